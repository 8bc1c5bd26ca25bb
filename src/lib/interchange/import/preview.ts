// What an import is about to do, shown before anything is saved: how many bookmarks the file marks
// private (which the member may leave out of the shared group), and which entries become one item
// because their addresses are one page once normalised.
import type * as Y from 'yjs';
import { legacyItemIdForUrl, listMembers, readAllItems } from '../../model/index';
import type { ImportPlan, PlannedMerge } from './types';

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
	const existing = new Map(readAllItems(doc).map((item) => [item.id, item]));
	const members = listMembers(doc);
	const known = new Set(members.map((m) => m.id));
	const names = new Set(members.map((m) => m.name));
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
