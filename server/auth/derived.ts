// What the API reads from a group's whole doc (its cover, its whole state as one update), kept until
// the doc next changes: a member who asks again and again, or a team's devices opening the group one
// after the other, cost one full read of a big group between two changes, not one each (for the
// benchmark's big group, 0.5–0.9 s for the cover and 1.25 s for the state, each holding the event
// loop), and requests at the same time share one copy.
import type * as Y from 'yjs';

const kept = new WeakMap<Y.Doc, Map<string, unknown>>();

export function readOncePerChange<T>(doc: Y.Doc, key: string, read: () => T): T {
	let values = kept.get(doc);
	if (!values) {
		const fresh = new Map<string, unknown>();
		// Any change, deletions included, comes as an update.
		doc.on('update', () => fresh.clear());
		kept.set(doc, fresh);
		values = fresh;
	}
	if (!values.has(key)) values.set(key, read());
	return values.get(key) as T;
}
