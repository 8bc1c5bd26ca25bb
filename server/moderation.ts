// Owners alone decide what is hidden: an update from anyone else that writes to the group's
// `hidden` map (a new or replaced entry, something nested in one, or the removal of one) is found by
// reading the update against the room's doc, without applying it, so it can be dropped whole.
import * as Y from 'yjs';
import { HIDDEN_ROOT } from '../src/lib/model/schema.ts';

type AnyType = Y.AbstractType<unknown>;
type Id = { client: number; clock: number };

const HIDDEN_BYTES = Buffer.from(HIDDEN_ROOT);

function isId(value: unknown): value is Id {
	return typeof value === 'object' && value !== null && typeof (value as Id).client === 'number' && typeof (value as Id).clock === 'number';
}

/** Whether a type of the doc is the hidden map or lies inside it. */
function inHiddenType(type: AnyType | null, hidden: AnyType): boolean {
	for (let current = type, depth = 0; current && depth < 64; depth++) {
		if (current === hidden) return true;
		const item = current._item;
		if (!item) return false;
		current = item.parent as AnyType | null;
	}
	return false;
}

/** The item of the doc that holds this id, or null when the doc does not have it. */
function docItem(doc: Y.Doc, id: Id): Y.Item | null {
	const structs = doc.store.clients.get(id.client);
	if (!structs?.length) return null;
	const last = structs[structs.length - 1];
	if (id.clock >= last.id.clock + last.length) return null;
	const struct = structs[Y.findIndexSS(structs, id.clock)];
	return struct instanceof Y.Item ? struct : null;
}

/** Whether an update writes to the group's hidden map, as the room's doc stands now. */
export function writesHidden(doc: Y.Doc, update: Uint8Array): boolean {
	const hidden = doc.share.get(HIDDEN_ROOT) as AnyType | undefined;
	const hiddenEntries = hidden ? (hidden._map as Map<string, Y.Item>) : new Map<string, Y.Item>();
	// Nothing can reach the map without naming it, while it holds nothing to replace or remove.
	if (hiddenEntries.size === 0 && !Buffer.from(update.buffer, update.byteOffset, update.byteLength).includes(HIDDEN_BYTES)) return false;

	const { structs, ds } = Y.decodeUpdate(update);
	const incoming = new Map<number, Y.Item[]>();
	for (const struct of structs) {
		if (!(struct instanceof Y.Item)) continue;
		const list = incoming.get(struct.id.client);
		if (list) list.push(struct);
		else incoming.set(struct.id.client, [struct]);
	}
	// An update lists each client's structs in clock order, so the one holding a clock is found by halving.
	const incomingItem = (id: Id): Y.Item | null => {
		const list = incoming.get(id.client);
		if (!list) return null;
		let low = 0;
		let high = list.length - 1;
		while (low <= high) {
			const mid = (low + high) >> 1;
			const s = list[mid];
			if (id.clock < s.id.clock) high = mid - 1;
			else if (id.clock >= s.id.clock + s.length) low = mid + 1;
			else return s;
		}
		return null;
	};

	const verdicts = new Map<Y.Item, boolean>();
	// Where an incoming item goes: named root, its parent type's item, or beside its neighbours.
	const goesIntoHidden = (start: Y.Item): boolean => {
		const path: Y.Item[] = [];
		let verdict = false;
		for (let item: Y.Item | null = start; item; ) {
			const known = verdicts.get(item);
			if (known !== undefined) {
				verdict = known;
				break;
			}
			if (path.includes(item)) break; // a cycle never integrates
			path.push(item);
			const parent = item.parent as unknown;
			if (typeof parent === 'string') {
				verdict = parent === HIDDEN_ROOT;
				break;
			}
			const next = isId(parent) ? parent : (item.origin ?? item.rightOrigin);
			if (!isId(next)) break;
			const inDoc = docItem(doc, next);
			if (inDoc) {
				// A parent id names the item holding the parent type; a neighbour shares the item's parent.
				const type = isId(parent) ? (inDoc.content instanceof Y.ContentType ? (inDoc.content.type as AnyType) : null) : (inDoc.parent as AnyType | null);
				verdict = hidden !== undefined && inHiddenType(type, hidden);
				break;
			}
			// Neither here nor in the doc: it waits for what the relay lacks and is dropped anyway.
			item = incomingItem(next);
		}
		for (const seen of path) verdicts.set(seen, verdict);
		return verdict;
	};
	for (const list of incoming.values()) for (const item of list) if (goesIntoHidden(item)) return true;

	// Removing an owner's decision is a write to the map too.
	for (const entry of hiddenEntries.values()) {
		if (entry.deleted) continue;
		const ranges = ds.clients.get(entry.id.client);
		if (ranges?.some((r) => r.clock < entry.id.clock + entry.length && entry.id.clock < r.clock + r.len)) return true;
	}
	return false;
}
