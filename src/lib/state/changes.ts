// Which items a Yjs transaction touched, read from the types it changed, so that derived views
// (the search index) can update only those items instead of re-reading the whole group.
import * as Y from 'yjs';
import { SEP, roots } from '$lib/model';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types are generic over their event types
type AnyType = Y.AbstractType<any>;

/** Item ids a transaction changed, or 'all' when it cannot tell (the group's meta, or an unknown type). */
export type ChangedItems = Set<string> | 'all';

const DESCRIPTION_PREFIX = `description${SEP}`;

/** Root type -> its name in the document; root types never move, so it is cached per document. */
const rootNames = new WeakMap<Y.Doc, Map<AnyType, string>>();

function rootName(doc: Y.Doc, type: AnyType): string | undefined {
	let names = rootNames.get(doc);
	if (!names?.has(type)) {
		names = new Map();
		for (const [name, t] of doc.share) names.set(t as AnyType, name);
		rootNames.set(doc, names);
	}
	return names.get(type);
}

export function changedItemIds(doc: Y.Doc, tr: Y.Transaction): ChangedItems {
	const r = roots(doc);
	const keyed = new Set<AnyType>([r.items, r.fields, r.saves, r.tags, r.views] as AnyType[]);
	const annotations = new Set<AnyType>([r.highlights, r.notes, r.replies] as AnyType[]);
	// Flags are not searched; an owner's decision changes what the others may search.
	const groupLevel = new Set<AnyType>([r.meta, r.members, r.flags] as AnyType[]);
	const out = new Set<string>();
	for (const [type, keys] of tr.changed) {
		if (keyed.has(type)) {
			for (const k of keys) if (k !== null) out.add(k.split(SEP)[0]);
			continue;
		}
		if (annotations.has(type)) {
			for (const k of keys) {
				if (k === null) continue;
				const entry = (type as unknown as Y.Map<unknown>).get(k);
				const itemId = entry instanceof Y.Map ? entry.get('itemId') : removedEntryItemId(type, k);
				if (typeof itemId === 'string') out.add(itemId);
				else if (entry === undefined) return 'all';
			}
			continue;
		}
		if (type === (r.hidden as AnyType)) {
			for (const k of keys) {
				const entry = k === null ? undefined : (r.hidden.get(k) as { itemId?: unknown } | undefined);
				if (typeof entry?.itemId === 'string') out.add(entry.itemId);
				else return 'all';
			}
			continue;
		}
		if (groupLevel.has(type)) continue;
		const itemId = owningItem(doc, type);
		if (itemId === null) return 'all';
		out.add(itemId);
	}
	return out;
}

/**
 * The item of an annotation the transaction took out of its map (an undone addition): until the
 * transaction is over, the removed entry still holds what it held.
 */
function removedEntryItemId(type: AnyType, k: string): unknown {
	const content = type._map.get(k)?.content;
	if (!(content instanceof Y.ContentType)) return undefined;
	return content.type._map.get('itemId')?.content.getContent()[0];
}

/** The item a nested type belongs to: a highlight's, note's or reply's map or text, or a description text. */
function owningItem(doc: Y.Doc, type: AnyType): string | null {
	const r = roots(doc);
	let current: AnyType = type;
	for (let depth = 0; depth < 4; depth++) {
		const parent = current._item?.parent;
		if (!parent) {
			const name = rootName(doc, current);
			return name?.startsWith(DESCRIPTION_PREFIX) ? name.slice(DESCRIPTION_PREFIX.length) : null;
		}
		if ((parent === (r.highlights as AnyType) || parent === (r.notes as AnyType) || parent === (r.replies as AnyType)) && current instanceof Y.Map) {
			const itemId = current.get('itemId');
			return typeof itemId === 'string' ? itemId : null;
		}
		if (!(parent instanceof Y.AbstractType)) return null;
		current = parent as AnyType;
	}
	return null;
}
