// Applies a checked import plan to a group in one transaction, and says what changed.
import type * as Y from 'yjs';
import {
	ModelError,
	addHighlight,
	addItem,
	addNote,
	assertWritable,
	countView,
	deleteHighlight,
	deleteItem,
	deleteNote,
	editItem,
	editNote,
	legacyItemIdForUrl,
	listMembers,
	markChanged,
	readAllItems,
	roots,
	setMemberProfile
} from '../../model/index';
import type { Actor, Item } from '../../model/index';
import { applyConversations } from './backup-conversations';
import { ImportError, type ImportPlan, type ImportSummary, type PlannedItem, type ProgressListener, type SkippedEntry } from './types';

const PROGRESS_EVERY = 500;

export interface ImportOptions {
	/** The importing member is an owner: a backup's hide decisions are restored (the relay refuses them from others). */
	owner?: boolean;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** "312 items added, 4 merged with existing ones, 2 skipped: line 12: ...; line 40: ..." */
export function describeSummary(summary: Omit<ImportSummary, 'message'>): string {
	const parts = [`${plural(summary.added, 'item')} added`];
	if (summary.merged) parts.push(`${summary.merged.toLocaleString('en')} merged with existing ones`);
	if (summary.unchanged) parts.push(`${summary.unchanged.toLocaleString('en')} already in the group`);
	if (summary.highlightsAdded) parts.push(`${plural(summary.highlightsAdded, 'highlight')} added`);
	if (summary.notesAdded) parts.push(`${plural(summary.notesAdded, 'note')} added`);
	if (summary.repliesAdded) parts.push(`${plural(summary.repliesAdded, 'reply', 'replies')} added`);
	let message = parts.join(', ');
	if (summary.skipped.length) {
		const shown = summary.skipped.slice(0, 5).map((s) => `${s.where}: ${s.reason.replace(/\.$/, '')}`);
		const more = summary.skipped.length > shown.length ? `; and ${summary.skipped.length - shown.length} more` : '';
		message += `, ${summary.skipped.length.toLocaleString('en')} skipped: ${shown.join('; ')}${more}`;
	}
	return message + '.';
}

/** True when applying `entry` would add something the group does not have yet. */
function bringsSomethingNew(entry: PlannedItem, existing: Item, highlightIds: Set<string>, noteIds: Set<string>): boolean {
	return (
		(existing.deletedAt !== null && !entry.deleted) ||
		(entry.title !== '' && existing.title === '') ||
		(entry.site !== '' && existing.site === '') ||
		(entry.savedBy ?? []).some((save) => !existing.savedBy.some((s) => s.memberId === save.memberId && s.at <= save.at)) ||
		(entry.image !== '' && existing.image === '') ||
		(entry.favicon !== '' && existing.favicon === '') ||
		(entry.pageDetailsAt !== undefined && existing.pageDetailsAt === null) ||
		(entry.description !== '' && !existing.description.includes(entry.description)) ||
		entry.tags.some((tag) => !existing.tags.includes(tag)) ||
		entry.highlights.some((h) => !highlightIds.has(h.id)) ||
		entry.notes.some((n) => !noteIds.has(n.id))
	);
}

/**
 * Applies the plan as one transaction whose origin is the importing member. Yjs cannot roll a
 * transaction back, so the plan was checked with the model's own rules first and nothing here throws
 * for any file (hostile.spec.ts feeds it random ones); a group written by a newer version is refused
 * before anything is written.
 */
export function applyPlan(doc: Y.Doc, actor: Actor, plan: ImportPlan, onProgress?: ProgressListener, options: ImportOptions = {}): ImportSummary {
	try {
		assertWritable(doc);
	} catch (error) {
		throw new ImportError('read-only', error instanceof ModelError ? error.message : String(error));
	}
	const importedAt = actor.now ? actor.now() : Date.now();
	const existingItems = new Map(readAllItems(doc).map((item) => [item.id, item]));
	const { highlights, notes } = roots(doc);
	const highlightIds = new Set(highlights.keys());
	const noteIds = new Set(notes.keys());
	const members = listMembers(doc);
	const knownMembers = new Set(members.map((m) => m.id));
	// Authors a file names without an id are the group's members of that name, when there is one.
	const sameAs = new Map<string, string>();
	for (const planned of plan.members) {
		const match = planned.byNameOnly ? members.find((m) => m.name === planned.name) : undefined;
		if (match) sameAs.set(planned.id, match.id);
	}
	const memberOf = (memberId: string | undefined) => (memberId === undefined ? undefined : (sameAs.get(memberId) ?? memberId));
	const skipped: SkippedEntry[] = [...plan.skipped];
	let added = 0;
	let merged = 0;
	let unchanged = 0;
	let highlightsAdded = 0;
	let notesAdded = 0;
	let repliesAdded = 0;
	const total = plan.items.length;
	onProgress?.({ phase: 'saving', done: 0, total });

	// Writes on behalf of the member and at the time the file records, for backups; the importing
	// member and the file's dates otherwise. Nested transactions join the outer one.
	const as = (memberId: string | undefined, at: number | undefined): Actor => ({
		memberId: memberOf(memberId) ?? actor.memberId,
		now: () => at ?? importedAt,
		newId: actor.newId
	});

	doc.transact((tr) => {
		for (const member of plan.members) {
			if (knownMembers.has(member.id) || sameAs.has(member.id)) continue;
			setMemberProfile(doc, as(member.id, member.joinedAt), { name: member.name, color: member.color });
		}
		plan.items.forEach((planned, index) => {
			// An item saved under the older normalisation of this URL is the same page (see model/url.ts).
			const legacyId = existingItems.has(planned.itemId) ? null : legacyItemIdForUrl(planned.url);
			const entry = legacyId !== null && existingItems.has(legacyId) ? { ...planned, itemId: legacyId } : planned;
			const existing = existingItems.get(entry.itemId);
			if (existing && !bringsSomethingNew(entry, existing, highlightIds, noteIds)) {
				unchanged++;
			} else {
				if (existing) merged++;
				else added++;
				// A page that is in the trash here and deleted in a backup stays in the trash.
				const keepInTrash = existing?.deletedAt != null && entry.deleted;
				if (!keepInTrash) {
					const saves = entry.savedBy?.length ? entry.savedBy : [{ memberId: actor.memberId, at: entry.createdAt ?? importedAt }];
					saves.forEach((save, i) => {
						addItem(doc, as(save.memberId, save.at), {
							url: entry.url,
							createdAt: save.at,
							...(i === 0
								? {
										title: entry.title,
										site: entry.site,
										image: entry.image,
										favicon: entry.favicon,
										pageDetailsAt: entry.pageDetailsAt,
										description: entry.description,
										tags: entry.tags
									}
								: {})
						});
					});
				}
				if (!existing) {
					for (const [memberId, count] of Object.entries(entry.views ?? {})) {
						for (let v = 0; v < count; v++) countView(doc, as(memberId, undefined), entry.itemId);
					}
					if (entry.updatedAt !== undefined) editItem(doc, as(entry.savedBy?.[0]?.memberId, entry.updatedAt), entry.itemId, {});
				}
				for (const h of entry.highlights) {
					if (highlightIds.has(h.id)) continue;
					addHighlight(doc, as(h.by, h.createdAt), entry.itemId, h);
					highlightIds.add(h.id);
					highlightsAdded++;
					if (h.deleted) deleteHighlight(doc, as(h.deleted.by, h.deleted.at), h.id);
				}
				for (const n of entry.notes) {
					if (noteIds.has(n.id)) continue;
					addNote(doc, as(n.by, n.createdAt), entry.itemId, n);
					noteIds.add(n.id);
					notesAdded++;
					if (n.editedAt !== undefined) editNote(doc, as(n.by, n.editedAt), n.id, n.text);
					if (n.deleted) deleteNote(doc, as(n.deleted.by, n.deleted.at), n.id);
				}
				if (!existing && entry.deleted) deleteItem(doc, as(entry.deleted.by, entry.deleted.at), entry.itemId);
			}
			if (onProgress && (index + 1) % PROGRESS_EVERY === 0) onProgress({ phase: 'saving', done: index + 1, total });
		});
		if (plan.conversations) repliesAdded = applyConversations(doc, (memberId, at) => as(memberId, at), plan.conversations, options.owner === true, skipped);
		// The items may carry old dates, but the group changed now: feeds' Last-Modified must move.
		if (tr.changed.size > 0) markChanged(doc, importedAt);
	}, actor);
	onProgress?.({ phase: 'done', done: total, total });
	const summary = { format: plan.format, added, merged, unchanged, highlightsAdded, notesAdded, repliesAdded, skipped };
	return { ...summary, message: describeSummary(summary) };
}
