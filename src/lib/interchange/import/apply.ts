// Applies a checked import plan to a group, in one transaction or a step at a time, and says what changed.
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
	readItemHead,
	hasItem,
	roots,
	setMemberProfile
} from '../../model/index';
import type { Actor, ItemHead } from '../../model/index';
import { applyConversations } from './backup-conversations';
import { ImportError, type ImportPlan, type ImportSummary, type PlannedItem, type ProgressListener, type SkippedEntry } from './types';

const PROGRESS_EVERY = 500;

export interface ImportOptions {
	/** The importing member is an owner: a backup's hide decisions are restored (the relay refuses them from others). */
	owner?: boolean;
}

/** "1 item", "1,204 items": counts in the words of import summaries. */
export function plural(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

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
function bringsSomethingNew(entry: PlannedItem, existing: ItemHead, highlightIds: { has(id: string): boolean }, noteIds: { has(id: string): boolean }): boolean {
	return (
		(existing.deletedAt !== null && !entry.deleted) ||
		(entry.title !== '' && existing.title === '') ||
		(entry.site !== '' && existing.site === '') ||
		(entry.savedBy ?? []).some((save) => !((existing.savedAt(save.memberId) ?? Infinity) <= save.at)) ||
		(entry.image !== '' && existing.image === '') ||
		(entry.favicon !== '' && existing.favicon === '') ||
		(entry.pageDetailsAt !== undefined && existing.pageDetailsAt === null) ||
		(entry.description !== '' && !existing.description.includes(entry.description)) ||
		entry.tags.some((tag) => !existing.hasTag(tag)) ||
		entry.highlights.some((h) => !highlightIds.has(h.id)) ||
		entry.notes.some((n) => !noteIds.has(n.id))
	);
}

/**
 * An import applied a slice of items at a time, each slice one transaction whose origin is the
 * importing member: `step` until `remaining` is 0, then `finish`. Yjs cannot roll a transaction
 * back, so the plan was checked with the model's own rules first and nothing here throws for any
 * file (hostile.spec.ts feeds it random ones); a group written by a newer version is refused before
 * anything is written. Stopping between steps leaves whole items: each item is written in one step.
 * What the group holds is read item by item (`readItemHead`), never the whole group at once.
 */
export class PlanApplier {
	readonly total: number;
	#done = 0;
	#finished = false;
	readonly #doc: Y.Doc;
	readonly #actor: Actor;
	readonly #plan: ImportPlan;
	readonly #options: ImportOptions;
	readonly #importedAt: number;
	readonly #knownMembers: Set<string>;
	readonly #sameAs = new Map<string, string>();
	readonly #skipped: SkippedEntry[];
	#added = 0;
	#merged = 0;
	#unchanged = 0;
	#highlightsAdded = 0;
	#notesAdded = 0;
	#repliesAdded = 0;

	constructor(doc: Y.Doc, actor: Actor, plan: ImportPlan, options: ImportOptions = {}) {
		try {
			assertWritable(doc);
		} catch (error) {
			throw new ImportError('read-only', error instanceof ModelError ? error.message : String(error));
		}
		this.#doc = doc;
		this.#actor = actor;
		this.#plan = plan;
		this.#options = options;
		this.total = plan.items.length;
		this.#importedAt = actor.now ? actor.now() : Date.now();
		const members = listMembers(doc);
		this.#knownMembers = new Set(members.map((m) => m.id));
		// Authors a file names without an id are the group's members of that name, when there is one.
		for (const planned of plan.members) {
			const match = planned.byNameOnly ? members.find((m) => m.name === planned.name) : undefined;
			if (match) this.#sameAs.set(planned.id, match.id);
		}
		this.#skipped = [...plan.skipped];
	}

	/** Items written so far. */
	get done(): number {
		return this.#done;
	}

	get remaining(): number {
		return this.total - this.#done;
	}

	#memberOf(memberId: string | undefined): string | undefined {
		return memberId === undefined ? undefined : (this.#sameAs.get(memberId) ?? memberId);
	}

	/**
	 * Writes on behalf of the member and at the time the file records, for backups; the importing
	 * member and the file's dates otherwise. Nested transactions join the step's.
	 */
	#as(memberId: string | undefined, at: number | undefined): Actor {
		const importedAt = this.#importedAt;
		return { memberId: this.#memberOf(memberId) ?? this.#actor.memberId, now: () => at ?? importedAt, newId: this.#actor.newId };
	}

	/** Writes the next `count` items (the file's authors with the first) as one transaction. */
	step(count: number): void {
		const doc = this.#doc;
		const end = Math.min(this.total, this.#done + Math.max(1, count));
		doc.transact((tr) => {
			if (this.#done === 0) {
				for (const member of this.#plan.members) {
					if (this.#knownMembers.has(member.id) || this.#sameAs.has(member.id)) continue;
					setMemberProfile(doc, this.#as(member.id, member.joinedAt), { name: member.name, color: member.color });
				}
			}
			for (; this.#done < end; this.#done++) this.#write(this.#plan.items[this.#done]);
			// The items may carry old dates, but the group changed now: feeds' Last-Modified must move.
			if (tr.changed.size > 0) markChanged(doc, this.#importedAt);
		}, this.#actor);
	}

	#write(planned: PlannedItem): void {
		const doc = this.#doc;
		const actor = this.#actor;
		const { highlights, notes } = roots(doc);
		// An item saved under the older normalisation of this URL is the same page (see model/url.ts).
		const legacyId = hasItem(doc, planned.itemId) ? null : legacyItemIdForUrl(planned.url);
		const entry = legacyId !== null && hasItem(doc, legacyId) ? { ...planned, itemId: legacyId } : planned;
		const existing = readItemHead(doc, entry.itemId);
		if (existing && !bringsSomethingNew(entry, existing, highlights, notes)) {
			this.#unchanged++;
			return;
		}
		if (existing) this.#merged++;
		else this.#added++;
		// A page that is in the trash here and deleted in a backup stays in the trash.
		const keepInTrash = existing?.deletedAt != null && entry.deleted;
		if (!keepInTrash) {
			const saves = entry.savedBy?.length ? entry.savedBy : [{ memberId: actor.memberId, at: entry.createdAt ?? this.#importedAt }];
			saves.forEach((save, i) => {
				addItem(doc, this.#as(save.memberId, save.at), {
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
				for (let v = 0; v < count; v++) countView(doc, this.#as(memberId, undefined), entry.itemId);
			}
			if (entry.updatedAt !== undefined) editItem(doc, this.#as(entry.savedBy?.[0]?.memberId, entry.updatedAt), entry.itemId, {});
		}
		for (const h of entry.highlights) {
			if (highlights.has(h.id)) continue;
			addHighlight(doc, this.#as(h.by, h.createdAt), entry.itemId, h);
			this.#highlightsAdded++;
			if (h.deleted) deleteHighlight(doc, this.#as(h.deleted.by, h.deleted.at), h.id);
		}
		for (const n of entry.notes) {
			if (notes.has(n.id)) continue;
			addNote(doc, this.#as(n.by, n.createdAt), entry.itemId, n);
			this.#notesAdded++;
			if (n.editedAt !== undefined) editNote(doc, this.#as(n.by, n.editedAt), n.id, n.text);
			if (n.deleted) deleteNote(doc, this.#as(n.deleted.by, n.deleted.at), n.id);
		}
		if (!existing && entry.deleted) deleteItem(doc, this.#as(entry.deleted.by, entry.deleted.at), entry.itemId);
	}

	/** Writes what hangs from the items (a backup's replies, flags, decisions), once every item is written. */
	finish(): ImportSummary {
		if (this.remaining > 0) throw new Error('finish() before every item was written');
		if (!this.#finished && this.#plan.conversations) {
			const conversations = this.#plan.conversations;
			this.#doc.transact((tr) => {
				this.#repliesAdded = applyConversations(this.#doc, (memberId, at) => this.#as(memberId, at), conversations, this.#options.owner === true, this.#skipped);
				if (tr.changed.size > 0) markChanged(this.#doc, this.#importedAt);
			}, this.#actor);
		}
		this.#finished = true;
		return this.summary();
	}

	/** What was written so far (all of it once finished). */
	summary(): ImportSummary {
		const summary = {
			format: this.#plan.format,
			added: this.#added,
			merged: this.#merged,
			unchanged: this.#unchanged,
			highlightsAdded: this.#highlightsAdded,
			notesAdded: this.#notesAdded,
			repliesAdded: this.#repliesAdded,
			skipped: this.#skipped
		};
		return { ...summary, message: describeSummary(summary) };
	}
}

/** Applies the whole plan as one transaction (the relay, tests and small files). */
export function applyPlan(doc: Y.Doc, actor: Actor, plan: ImportPlan, onProgress?: ProgressListener, options: ImportOptions = {}): ImportSummary {
	const applier = new PlanApplier(doc, actor, plan, options);
	const total = applier.total;
	onProgress?.({ phase: 'saving', done: 0, total });
	let summary!: ImportSummary;
	doc.transact(() => {
		while (applier.remaining > 0) {
			applier.step(PROGRESS_EVERY);
			onProgress?.({ phase: 'saving', done: applier.done, total });
		}
		summary = applier.finish();
	}, actor);
	onProgress?.({ phase: 'done', done: total, total });
	return summary;
}

export interface StepOptions extends ImportOptions {
	/** Called after every step with the items written so far. */
	onProgress?: ProgressListener;
	/** Stops the import between two steps; what was written stays (`cancelled` in the answer). */
	signal?: AbortSignal;
	/** How long one step may take; the number of items per step follows the time the last one took. */
	stepMs?: number;
	/** Lets the page draw and answer input between steps. */
	pause?: () => Promise<void>;
}

export interface SteppedSummary extends ImportSummary {
	/** Set when the import was stopped before its end: how many of the file's items were written. */
	cancelled?: { done: number; total: number };
}

/**
 * Items of the first step; later ones are sized by the time it took, up to MAX_STEP: a step whose
 * items cost more than the last (a garbage collection, a group grown large) then overshoots less
 * (with 2,000, a task of 248 ms after one of the pauses was seen importing into the big group).
 */
const FIRST_STEP = 50;
const MAX_STEP = 500;

/**
 * Applies the plan a step at a time, each step short enough to keep the page responsive, pausing
 * between them. Stopped through `signal`, it keeps the items already written and says how many.
 */
export async function applyPlanInSteps(doc: Y.Doc, actor: Actor, plan: ImportPlan, options: StepOptions = {}): Promise<SteppedSummary> {
	const { onProgress, signal, stepMs = 30, pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0)) } = options;
	const applier = new PlanApplier(doc, actor, plan, options);
	const total = applier.total;
	onProgress?.({ phase: 'saving', done: 0, total });
	let size = FIRST_STEP;
	while (applier.remaining > 0) {
		if (signal?.aborted) {
			const summary = applier.summary();
			const of = `${applier.done.toLocaleString('en')} of ${total.toLocaleString('en')}`;
			return { ...summary, message: `Stopped after ${of} items: ${lowerFirst(summary.message)}`, cancelled: { done: applier.done, total } };
		}
		const started = performance.now();
		applier.step(size);
		const took = Math.max(1, performance.now() - started);
		size = Math.max(1, Math.min(MAX_STEP, Math.round((size * stepMs) / took)));
		onProgress?.({ phase: 'saving', done: applier.done, total });
		await pause();
	}
	const summary = applier.finish();
	onProgress?.({ phase: 'done', done: total, total });
	return summary;
}
