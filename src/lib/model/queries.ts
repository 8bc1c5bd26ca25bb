// Listing a group like its Diigo page: newest first, filters, pages, tag and member counts, trash.
import type * as Y from 'yjs';
import { SEP as SEP_KEY } from './schema';
import { listMembers } from './group';
import { readAllHighlights, readAllItems, readAllNotes, readAllReplies } from './read';
import { readFlags, readHidden, targetKey } from './moderation';
import { plainMentions } from './mentions';
import { mentionsMember } from './threads';
import { normalizeTag } from './text';
import {
	DEFAULT_PAGE_SIZE,
	PAGE_SIZES,
	type Item,
	type ItemPage,
	type ListQuery,
	type Member,
	type SortOrder,
	type MemberCount,
	type TagCount,
	type TrashEntry,
	type FlaggedEntry
} from './types';

export function newestFirst(a: Item, b: Item): number {
	return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function oldestFirst(a: Item, b: Item): number {
	return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Highlights and notes on an item. */
export function annotationCount(item: Item): number {
	return item.highlights.length + item.notes.length;
}

/** The comparator of a sort order; ties (same views, same annotations) go newest first. Unknown orders sort newest first. */
export function sortComparator(order: SortOrder | undefined): (a: Item, b: Item) => number {
	switch (order) {
		case 'oldest':
			return oldestFirst;
		case 'views':
			return (a, b) => b.views - a.views || newestFirst(a, b);
		case 'annotated':
			return (a, b) => annotationCount(b) - annotationCount(a) || newestFirst(a, b);
		default:
			return newestFirst;
	}
}

/**
 * The distinct normalised tags a query asks for, from `tag` and `tags`; blank ones are dropped. A tag the
 * model would refuse (too long, say) is kept as typed: no item carries it, so the listing is empty.
 */
export function queryTags(query: Pick<ListQuery, 'tag' | 'tags'>): string[] {
	const out: string[] = [];
	for (const raw of [query.tag, ...(query.tags ?? [])]) {
		if (typeof raw !== 'string' || !raw.trim()) continue;
		let tag: string;
		try {
			tag = normalizeTag(raw);
		} catch {
			tag = raw.trim().toLowerCase();
		}
		if (!out.includes(tag)) out.push(tag);
	}
	return out;
}

/** Live (or, with `trash`, deleted) items matching every filter of the query, in its sort order, not paged. */
export function filterItems(items: readonly Item[], query: ListQuery = {}, ids?: ReadonlySet<string>): Item[] {
	return matchingItems(items, query, ids).sort(sortComparator(query.sort));
}

/** The items `filterItems` gives, in the order of `items`. */
function matchingItems(items: readonly Item[], query: ListQuery, ids?: ReadonlySet<string>): Item[] {
	const tags = queryTags(query);
	return items.filter(
		(item) =>
			(query.trash ? item.deletedAt !== null : item.deletedAt === null) &&
			tags.every((tag) => item.tags.includes(tag)) &&
			(!query.member || item.savedBy.some((s) => s.memberId === query.member)) &&
			(!query.mentions || mentionsMember(item, query.mentions)) &&
			(ids ? ids.has(item.id) : !query.text || matchesText(item, query.text))
	);
}

/** Lower-cased text of everything searchable on an item: title, URL, site, description, tags, highlights, notes. */
export function searchableText(item: Item): string {
	const parts = [item.title, item.url, item.site, item.description, item.tags.join(' ')];
	for (const h of item.highlights) parts.push(h.exact, h.note);
	for (const n of item.notes) parts.push(n.text);
	for (const r of item.replies) parts.push(r.text);
	return parts.join('\n').toLowerCase();
}

export function matchesText(item: Item, text: string): boolean {
	const words = text.toLowerCase().split(/\s+/).filter(Boolean);
	if (words.length === 0) return true;
	const haystack = searchableText(item);
	return words.every((w) => haystack.includes(w));
}

export function perPageOf(value: unknown): number {
	const n = Number(value);
	return (PAGE_SIZES as readonly number[]).includes(n) ? n : DEFAULT_PAGE_SIZE;
}

/** Cuts a sorted list into one page; a page past the end shows the last one. */
export function paginate<T>(all: readonly T[], page: unknown, perPage: unknown): { items: T[]; total: number; page: number; perPage: number; pageCount: number; from: number; to: number } {
	const size = perPageOf(perPage);
	const total = all.length;
	const pageCount = Math.max(1, Math.ceil(total / size));
	const wanted = Math.floor(Number(page));
	const current = Number.isFinite(wanted) ? Math.min(Math.max(1, wanted), pageCount) : 1;
	const start = (current - 1) * size;
	const items = all.slice(start, start + size);
	return {
		items,
		total,
		page: current,
		perPage: size,
		pageCount,
		from: items.length ? start + 1 : 0,
		to: start + items.length
	};
}

/** Filters and pages items already read from a group; `ids`, when given, is a search result to keep. */
export function queryItems(items: readonly Item[], query: ListQuery = {}, ids?: ReadonlySet<string>): ItemPage {
	const matching = matchingItems(items, query, ids);
	const compare = sortComparator(query.sort);
	// The first pages need only their items in order, not all of them: sorting 10,000 items for
	// the first 20 takes most of the time of a listing.
	const { page, perPage, pageCount } = paginate(matching, query.page ?? 1, query.perPage ?? DEFAULT_PAGE_SIZE);
	const end = Math.min(matching.length, page * perPage);
	if (end > PARTIAL_SORT_UP_TO || end * 4 > matching.length) return paginate(matching.sort(compare), page, perPage);
	const start = (page - 1) * perPage;
	const pageItems = first(matching, end, compare).slice(start);
	return { items: pageItems, total: matching.length, page, perPage, pageCount, from: pageItems.length ? start + 1 : 0, to: start + pageItems.length };
}

/** Up to this many items, the first ones of a listing are picked out instead of sorting all of it. */
const PARTIAL_SORT_UP_TO = 500;

/**
 * The first `count` of `all` in `compare`'s order, in that order: what `[...all].sort(compare)`
 * would begin with (equal items keep their order, as that sort keeps it).
 */
function first<T>(all: readonly T[], count: number, compare: (a: T, b: T) => number): T[] {
	const best: T[] = [];
	if (count <= 0) return best;
	for (const x of all) {
		if (best.length === count && compare(x, best[count - 1]) >= 0) continue;
		let lo = 0;
		let hi = best.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (compare(best[mid], x) <= 0) lo = mid + 1;
			else hi = mid;
		}
		best.splice(lo, 0, x);
		if (best.length > count) best.pop();
	}
	return best;
}

export function listItems(doc: Y.Doc, query: ListQuery = {}): ItemPage {
	return queryItems(readAllItems(doc), query);
}

/** Tags of live items with how many items carry each, most used first, then by name. */
export function countTags(items: readonly Item[]): TagCount[] {
	const counts = new Map<string, number>();
	for (const item of items) {
		if (item.deletedAt !== null) continue;
		for (const tag of item.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
	}
	return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

/**
 * The tags that narrow a listing already filtered by `chosen` tags: counted over `items` (the items the
 * listing holds), leaving out the chosen ones, most used first. Combining one of them with the chosen
 * tags leaves exactly `count` items.
 */
export function relatedTags(items: readonly Item[], chosen: readonly string[]): TagCount[] {
	const skip = new Set(chosen);
	return countTags(items).filter((t) => !skip.has(t.tag));
}

/** The tags that narrow the listing of `query` over `items` (`ids`: the items its text matches), without sorting it. */
export function narrowingTags(items: readonly Item[], query: ListQuery, ids?: ReadonlySet<string>): TagCount[] {
	return relatedTags(matchingItems(items, query, ids), queryTags(query));
}

export function tagCounts(doc: Y.Doc): TagCount[] {
	return countTags(readAllItems(doc));
}

/** Members with how many live items each saved, most first (`counts`: `savedCounts(items)`, when known). */
export function countMembers(members: readonly Member[], items: readonly Item[], counts: ReadonlyMap<string, number> = savedCounts(items)): MemberCount[] {
	return members
		.map((m) => ({ ...m, items: counts.get(m.id) ?? 0 }))
		.sort((a, b) => b.items - a.items || a.name.localeCompare(b.name));
}

/** How many live items each member saved, by member id. */
export function savedCounts(items: readonly Item[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const item of items) {
		if (item.deletedAt !== null) continue;
		for (const save of item.savedBy) counts.set(save.memberId, (counts.get(save.memberId) ?? 0) + 1);
	}
	return counts;
}

export function memberCounts(doc: Y.Doc): MemberCount[] {
	return countMembers(listMembers(doc), readAllItems(doc));
}

function clip(text: string, max = 80): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

/** Deleted items, highlights and notes, most recently deleted first. */
export function listTrash(doc: Y.Doc): TrashEntry[] {
	const items = readAllItems(doc);
	const titles = new Map(items.map((i) => [i.id, i.title || i.url]));
	const out: TrashEntry[] = [];
	for (const item of items) {
		if (item.deletedAt !== null) {
			out.push({ kind: 'item', id: item.id, itemId: item.id, label: item.title || item.url, deletedAt: item.deletedAt, deletedBy: item.deletedBy });
		}
	}
	for (const h of readAllHighlights(doc)) {
		if (h.deletedAt !== null && titles.has(h.itemId)) {
			out.push({ kind: 'highlight', id: h.id, itemId: h.itemId, label: `“${clip(h.exact)}” on ${clip(titles.get(h.itemId) ?? '', 60)}`, deletedAt: h.deletedAt, deletedBy: h.deletedBy });
		}
	}
	for (const n of readAllNotes(doc)) {
		if (n.deletedAt !== null && titles.has(n.itemId)) {
			out.push({ kind: 'note', id: n.id, itemId: n.itemId, label: `${clip(n.text)} on ${clip(titles.get(n.itemId) ?? '', 60)}`, deletedAt: n.deletedAt, deletedBy: n.deletedBy });
		}
	}
	for (const r of readAllReplies(doc)) {
		if (r.deletedAt !== null && titles.has(r.itemId)) {
			out.push({ kind: 'reply', id: r.id, itemId: r.itemId, label: `Reply: ${clip(r.text)} on ${clip(titles.get(r.itemId) ?? '', 60)}`, deletedAt: r.deletedAt, deletedBy: r.deletedBy });
		}
	}
	return out.sort((a, b) => b.deletedAt - a.deletedAt);
}

/**
 * Everything flagged or hidden, for the owners: each target once with its flags (oldest first) and
 * the owners' last decision; most recently flagged first, targets no longer in the group left out.
 */
export function listFlagged(doc: Y.Doc): FlaggedEntry[] {
	const flags = readFlags(doc);
	const hidden = readHidden(doc);
	// Most groups have nothing flagged: then the items, highlights and notes need not be read at all.
	if (flags.length === 0 && hidden.size === 0) return [];
	const members = new Map(listMembers(doc).map((m) => [m.id, m.name]));
	const nameOf = (id: string) => members.get(id) ?? null;
	const labels = new Map<string, { itemId: string; label: string }>();
	const titles = new Map<string, string>();
	for (const item of readAllItems(doc)) {
		const title = item.title || item.url;
		titles.set(item.id, title);
		labels.set(`item${SEP_KEY}${item.id}`, { itemId: item.id, label: clip(title) });
	}
	const on = (itemId: string) => ` on ${clip(titles.get(itemId) ?? '', 60)}`;
	for (const h of readAllHighlights(doc)) if (titles.has(h.itemId)) labels.set(`highlight${SEP_KEY}${h.id}`, { itemId: h.itemId, label: `“${clip(h.exact)}”${on(h.itemId)}` });
	for (const n of readAllNotes(doc)) if (titles.has(n.itemId)) labels.set(`note${SEP_KEY}${n.id}`, { itemId: n.itemId, label: `${clip(plainMentions(n.text, nameOf))}${on(n.itemId)}` });
	for (const r of readAllReplies(doc)) if (titles.has(r.itemId)) labels.set(`reply${SEP_KEY}${r.id}`, { itemId: r.itemId, label: `Reply: ${clip(plainMentions(r.text, nameOf))}${on(r.itemId)}` });
	const out = new Map<string, FlaggedEntry>();
	const entryFor = (kind: FlaggedEntry['kind'], id: string): FlaggedEntry | null => {
		const k = targetKey({ kind, id });
		const known = labels.get(k);
		if (!known) return null;
		let entry = out.get(k);
		if (!entry) {
			const decision = hidden.get(k);
			entry = { kind, id, itemId: known.itemId, label: known.label, flags: [], hidden: decision ? { hidden: decision.hidden, by: decision.by, at: decision.at } : null };
			out.set(k, entry);
		}
		return entry;
	};
	for (const f of flags) entryFor(f.kind, f.id)?.flags.push(f);
	for (const k of hidden.keys()) {
		const [kind, id] = k.split(SEP_KEY);
		entryFor(kind as FlaggedEntry['kind'], id);
	}
	const latest = (e: FlaggedEntry) => Math.max(e.hidden?.at ?? 0, ...e.flags.map((f) => f.at));
	return [...out.values()].sort((a, b) => latest(b) - latest(a));
}
