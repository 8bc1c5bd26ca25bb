// What an import is about to do, shown before anything is saved: how many bookmarks the file marks
// private (which the member may leave out of the shared group), and which entries become one item
// because their addresses are one page once normalised.
import type * as Y from 'yjs';
import { legacyItemIdForUrl, listMembers, readItemOutlines } from '../../model/index';
import type { ImportPlan, PlannedMerge } from './types';

/**
 * What a preview needs to know of the group, small enough to send to a worker: each item's id,
 * address and title, and each member's id and name.
 */
export interface GroupOutline {
	items: [id: string, url: string, title: string][];
	members: [id: string, name: string][];
}

/** Read by key, without a pass over every field of the group: a few ms for 10,000 items. */
export function outlineGroup(doc: Y.Doc): GroupOutline {
	return { items: readItemOutlines(doc), members: listMembers(doc).map((m) => [m.id, m.name]) };
}

export interface ImportPreview {
	format: string;
	/** Pages in the file, after entries for one page were combined. */
	items: number;
	/** Of those, how many the file marks private. */
	privateItems: number;
	/** Entries that become one item: two of the file's, or one of the file's and one already in the group. */
	merges: (PlannedMerge & { withGroup: boolean })[];
	skipped: number;
	/** Authors named in the file who are not members here yet: they join the member list as authors. */
	newAuthors: string[];
}

export function previewImport(doc: Y.Doc, plan: ImportPlan): ImportPreview {
	return previewAgainst(outlineGroup(doc), plan);
}

/** The preview against the group's outline (in a worker, away from the document). */
export function previewAgainst(group: GroupOutline, plan: ImportPlan): ImportPreview {
	const existing = new Map(group.items.map(([id, url, title]) => [id, { url, title }]));
	const known = new Set(group.members.map(([id]) => id));
	const names = new Set(group.members.map(([, name]) => name));
	const merges: ImportPreview['merges'] = plan.merges.map((merge) => ({ ...merge, withGroup: false }));
	for (const entry of plan.items) {
		const legacy = legacyItemIdForUrl(entry.url);
		const item = existing.get(entry.itemId) ?? (legacy === null ? undefined : existing.get(legacy));
		// The same address or the same title says it is the same page; only the rest is worth a look.
		if (!item || item.url === entry.sourceUrl || (entry.title && item.title === entry.title)) continue;
		merges.push({
			url: item.url,
			first: { url: item.url, title: item.title },
			second: { url: entry.sourceUrl, title: entry.title },
			withGroup: true
		});
	}
	return {
		format: plan.format,
		items: plan.items.length,
		privateItems: plan.items.filter((item) => item.private).length,
		merges,
		skipped: plan.skipped.length,
		newAuthors: plan.members.filter((m) => !known.has(m.id) && !(m.byNameOnly && names.has(m.name))).map((m) => m.name)
	};
}

/** The plan without the bookmarks the file marks private; they are counted as left out, not skipped. */
export function withoutPrivate(plan: ImportPlan): ImportPlan {
	return { ...plan, items: plan.items.filter((item) => !item.private) };
}
