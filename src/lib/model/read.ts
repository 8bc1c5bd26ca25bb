// Reads the document into plain snapshots: every item with its tags, views, highlights and notes.
import * as Y from 'yjs';
import { readPosition, readQuote } from './annotations';
import { getGroupInfo, listMembers } from './group';
import { SEP, descriptionText, key, roots, splitKey } from './schema';
import type { GroupInfo, Highlight, Item, Member, Note, Reply, ReplyParentKind } from './types';

function num(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function numOrNull(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

function strOrNull(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

function textOf(value: unknown): string {
	return value instanceof Y.Text ? value.toString() : '';
}

interface Stamp {
	at?: unknown;
	by?: unknown;
}

function stamp(value: unknown): Stamp | null {
	return value && typeof value === 'object' ? (value as Stamp) : null;
}

export function readHighlight(id: string, entry: Y.Map<unknown>): Highlight {
	const created = stamp(entry.get('created'));
	const deleted = stamp(entry.get('deleted'));
	const position = readPosition(entry);
	return {
		id,
		itemId: str(entry.get('itemId')),
		...readQuote(entry),
		...(position ? { position } : {}),
		note: textOf(entry.get('note')),
		createdAt: num(created?.at),
		createdBy: str(created?.by),
		deletedAt: deleted ? num(deleted.at) : null,
		deletedBy: deleted ? str(deleted.by) : null
	};
}

export function readNote(id: string, entry: Y.Map<unknown>): Note {
	const created = stamp(entry.get('created'));
	const deleted = stamp(entry.get('deleted'));
	return {
		id,
		itemId: str(entry.get('itemId')),
		text: textOf(entry.get('text')),
		createdAt: num(created?.at),
		createdBy: str(created?.by),
		editedAt: numOrNull(entry.get('editedAt')),
		deletedAt: deleted ? num(deleted.at) : null,
		deletedBy: deleted ? str(deleted.by) : null
	};
}

const PARENT_KINDS: readonly string[] = ['note', 'highlight', 'reply'];

export function readReply(id: string, entry: Y.Map<unknown>): Reply {
	const created = stamp(entry.get('created'));
	const deleted = stamp(entry.get('deleted'));
	const parent = (entry.get('parent') ?? {}) as { kind?: unknown; id?: unknown };
	const root = (entry.get('root') ?? {}) as { kind?: unknown; id?: unknown };
	return {
		id,
		itemId: str(entry.get('itemId')),
		parentKind: (PARENT_KINDS.includes(str(parent.kind)) ? parent.kind : 'note') as ReplyParentKind,
		parentId: str(parent.id),
		root: { kind: root.kind === 'highlight' ? 'highlight' : 'note', id: str(root.id) },
		text: textOf(entry.get('text')),
		createdAt: num(created?.at),
		createdBy: str(created?.by),
		editedAt: numOrNull(entry.get('editedAt')),
		deletedAt: deleted ? num(deleted.at) : null,
		deletedBy: deleted ? str(deleted.by) : null
	};
}

/** Every reply in the group, deleted ones included, oldest first. */
export function readAllReplies(doc: Y.Doc): Reply[] {
	const out: Reply[] = [];
	roots(doc).replies.forEach((entry, id) => {
		if (entry instanceof Y.Map) out.push(readReply(id, entry));
	});
	return out.sort(byCreated);
}

/** Whether a highlight's or note's entry is in the trash. */
export function isDeletedEntry(entry: Y.Map<unknown>): boolean {
	return stamp(entry.get('deleted')) !== null;
}

/** Every highlight in the group, deleted ones included, oldest first. */
export function readAllHighlights(doc: Y.Doc): Highlight[] {
	const out: Highlight[] = [];
	roots(doc).highlights.forEach((entry, id) => {
		if (entry instanceof Y.Map) out.push(readHighlight(id, entry));
	});
	return out.sort(byCreated);
}

/** Every note in the group, deleted ones included, oldest first. */
export function readAllNotes(doc: Y.Doc): Note[] {
	const out: Note[] = [];
	roots(doc).notes.forEach((entry, id) => {
		if (entry instanceof Y.Map) out.push(readNote(id, entry));
	});
	return out.sort(byCreated);
}

function byCreated(a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number {
	return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function description(doc: Y.Doc, itemId: string): string {
	// Reading must not create root types for items that never had a description.
	return doc.share.has(`description${SEP}${itemId}`) ? descriptionText(doc, itemId).toString().trim() : '';
}

/** All items, deleted ones included, ordered by id (the same on every peer); one pass over each root map. */
export function readAllItems(doc: Y.Doc): Item[] {
	return finish(readAllItemsInSteps(doc, Infinity));
}

function finish(steps: Generator<void, Item[], void>): Item[] {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}

/**
 * `items` (every item, as `readAllItems` read them earlier) with the items `changed` since read
 * again: the same as `readAllItems` now, when nothing else changed, for a fraction of its time.
 * A new array; the items that did not change are the same objects.
 */
export function rereadItems(doc: Y.Doc, items: readonly Item[], changed: ReadonlySet<string>): Item[] {
	if (changed.size === 0) return [...items];
	return withReread(items, changed, finish(readAllItemsInSteps(doc, Infinity, changed)));
}

/** `items` with those in `changed` replaced by `reread` (the changed items as read now: gone ones are missing). */
export function withReread(items: readonly Item[], changed: ReadonlySet<string>, reread: readonly Item[]): Item[] {
	const fresh = new Map(reread.map((item) => [item.id, item]));
	const out: Item[] = [];
	for (const item of items) {
		if (!changed.has(item.id)) out.push(item);
		else if (fresh.has(item.id)) {
			out.push(fresh.get(item.id)!);
			fresh.delete(item.id);
		}
	}
	if (fresh.size === 0) return out;
	// New items, in the order `readAllItems` gives.
	return out.concat([...fresh.values()]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * `readAllItems` a part at a time: pauses after every `entriesPerStep` entries read, so a big group
 * can be read between other work (`next()` until done; the document must not change meanwhile,
 * or the read starts again). With `only`, reads just the items with those ids (the ones there).
 */
export function* readAllItemsInSteps(doc: Y.Doc, entriesPerStep: number, only?: ReadonlySet<string>): Generator<void, Item[], void> {
	const r = roots(doc);
	const byId = new Map<string, Item>();
	let read = 0;
	const pause = () => ++read % entriesPerStep === 0;
	const entries: Iterable<[string, { url?: unknown } | undefined]> = only ? [...only].filter((id) => r.items.has(id)).map((id) => [id, r.items.get(id)]) : r.items;
	for (const [id, entry] of entries) {
		if (pause()) yield;
		byId.set(id, {
			id,
			url: str(entry?.url),
			title: '',
			site: '',
			image: '',
			favicon: '',
			pageDetailsAt: null,
			description: description(doc, id),
			createdAt: 0,
			createdBy: '',
			savedBy: [],
			tags: [],
			views: 0,
			viewsByMember: {},
			highlights: [],
			notes: [],
			replies: [],
			updatedAt: 0,
			deletedAt: null,
			deletedBy: null
		});
	}
	// Keys start with their item's id: with `only`, other items' keys are passed over without splitting them.
	const mine = (k: string) => {
		if (!only) return true;
		const cut = k.indexOf(SEP);
		return byId.has(cut < 0 ? k : k.slice(0, cut));
	};
	const editedAt = new Map<string, number>();
	for (const [k, value] of r.fields) {
		if (pause()) yield;
		if (!mine(k)) continue;
		const [itemId, name] = splitKey(k);
		const item = byId.get(itemId);
		if (!item) continue;
		switch (name) {
			case 'title':
				item.title = str(value);
				break;
			case 'site':
				item.site = str(value);
				break;
			case 'image':
				item.image = str(value);
				break;
			case 'favicon':
				item.favicon = str(value);
				break;
			case 'pageDetailsAt':
				item.pageDetailsAt = numOrNull(value);
				break;
			case 'editedAt':
				editedAt.set(itemId, num(value));
				break;
			case 'deletedAt':
				item.deletedAt = numOrNull(value);
				break;
			case 'deletedBy':
				item.deletedBy = strOrNull(value);
				break;
		}
	}
	for (const [k, save] of r.saves) {
		if (pause()) yield;
		if (!mine(k)) continue;
		const [itemId, memberId] = splitKey(k);
		byId.get(itemId)?.savedBy.push({ memberId, at: num(save?.at) });
	}
	for (const k of r.tags.keys()) {
		if (pause()) yield;
		if (!mine(k)) continue;
		const [itemId, tag] = splitKey(k);
		const item = byId.get(itemId);
		if (item && !item.tags.includes(tag)) item.tags.push(tag);
	}
	for (const [k, count] of r.views) {
		if (pause()) yield;
		if (!mine(k)) continue;
		const [itemId, memberId] = splitKey(k);
		const item = byId.get(itemId);
		if (!item) continue;
		item.views += num(count);
		item.viewsByMember[memberId] = (item.viewsByMember[memberId] ?? 0) + num(count);
	}
	for (const [id, entry] of r.highlights) {
		if (pause()) yield;
		if (!(entry instanceof Y.Map)) continue;
		const item = byId.get(str(entry.get('itemId')));
		if (item && !isDeletedEntry(entry)) item.highlights.push(readHighlight(id, entry));
	}
	for (const [id, entry] of r.notes) {
		if (pause()) yield;
		if (!(entry instanceof Y.Map)) continue;
		const item = byId.get(str(entry.get('itemId')));
		if (item && !isDeletedEntry(entry)) item.notes.push(readNote(id, entry));
	}
	for (const [id, entry] of r.replies) {
		if (pause()) yield;
		if (!(entry instanceof Y.Map)) continue;
		const item = byId.get(str(entry.get('itemId')));
		if (item && !isDeletedEntry(entry)) item.replies.push(readReply(id, entry));
	}
	for (const item of byId.values()) {
		if (pause()) yield;
		// A reply shows only while the note or highlight its thread starts at does.
		if (item.replies.length) {
			const threads = new Set([...item.notes.map((n) => `note:${n.id}`), ...item.highlights.map((h) => `highlight:${h.id}`)]);
			item.replies = item.replies.filter((reply) => threads.has(`${reply.root.kind}:${reply.root.id}`)).sort(byCreated);
		}
		item.savedBy.sort((a, b) => a.at - b.at || (a.memberId < b.memberId ? -1 : 1));
		item.createdAt = item.savedBy[0]?.at ?? 0;
		item.createdBy = item.savedBy[0]?.memberId ?? '';
		item.tags.sort();
		item.highlights.sort(byCreated);
		item.notes.sort(byCreated);
		let updated = Math.max(item.createdAt, editedAt.get(item.id) ?? 0, item.deletedAt ?? 0);
		for (const h of item.highlights) updated = Math.max(updated, h.createdAt);
		for (const n of item.notes) updated = Math.max(updated, n.createdAt, n.editedAt ?? 0);
		for (const reply of item.replies) updated = Math.max(updated, reply.createdAt, reply.editedAt ?? 0);
		item.updatedAt = updated;
	}
	// The built-in order of strings (by UTF-16 code units, as `<` compares them), without a
	// comparator called from the sort: several times quicker at 10,000 items.
	const ids = [...byId.keys()].sort();
	if (pause()) yield;
	return ids.map((id) => byId.get(id)!);
}

/** What a bulk writer (an import) checks of one item, read by key: no pass over the whole group. */
export interface ItemHead extends Pick<Item, 'id' | 'url' | 'title' | 'site' | 'image' | 'favicon' | 'pageDetailsAt' | 'description' | 'deletedAt'> {
	/** When this member saved the item, if they did. */
	savedAt(memberId: string): number | undefined;
	hasTag(tag: string): boolean;
}

export function readItemHead(doc: Y.Doc, itemId: string): ItemHead | null {
	const r = roots(doc);
	const entry = r.items.get(itemId) as { url?: unknown } | undefined;
	if (entry === undefined) return null;
	const get = (name: string) => r.fields.get(key(itemId, name));
	return {
		id: itemId,
		url: str(entry?.url),
		title: str(get('title')),
		site: str(get('site')),
		image: str(get('image')),
		favicon: str(get('favicon')),
		pageDetailsAt: numOrNull(get('pageDetailsAt')),
		description: description(doc, itemId),
		deletedAt: numOrNull(get('deletedAt')),
		savedAt(memberId) {
			const save = r.saves.get(key(itemId, memberId)) as { at?: unknown } | undefined;
			return save === undefined ? undefined : num(save?.at);
		},
		hasTag: (tag) => r.tags.has(key(itemId, tag))
	};
}

/** Every item's id, address and title, deleted ones included: a quick outline of the group. */
export function readItemOutlines(doc: Y.Doc): [id: string, url: string, title: string][] {
	const r = roots(doc);
	const out: [string, string, string][] = [];
	r.items.forEach((entry, id) => {
		out.push([id, str((entry as { url?: unknown } | undefined)?.url), str(r.fields.get(key(id, 'title')))]);
	});
	return out;
}

export function getItem(doc: Y.Doc, itemId: string): Item | null {
	if (!roots(doc).items.has(itemId)) return null;
	return readAllItems(doc).find((item) => item.id === itemId) ?? null;
}

/** Everything a page needs to show a group, read once. */
export interface GroupSnapshot {
	info: GroupInfo;
	members: Member[];
	items: Item[];
}

export function readGroup(doc: Y.Doc): GroupSnapshot {
	return { info: getGroupInfo(doc), members: listMembers(doc), items: readAllItems(doc) };
}

/**
 * The state of the document as bytes (what it holds and what it deleted: its state vector and delete
 * set): two documents that took the same updates, in any order, give the same bytes, so a view kept
 * on disk can tell whether the document changed since it was derived.
 */
export function documentState(doc: Y.Doc): Uint8Array {
	return Y.encodeSnapshot(Y.snapshot(doc));
}
