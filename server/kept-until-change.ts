// What the relay derives from a group's whole doc (its feeds, its cover, its whole state as one
// update), kept until the doc next changes: a feed reader that polls, a member who asks again and
// again, or a team's devices opening the group one after the other cost one full read of a big group
// between two changes, not one each (for the benchmark's big group, 0.5–0.9 s for the cover and
// 1.25 s for the state, each holding the event loop), and requests at the same time share one copy.
import type * as Y from 'yjs';

export interface KeptUntilChange {
	/** By key; emptied by the doc's next change. */
	readonly values: Map<string, unknown>;
	/** When this relay last saw the doc change, by its own clock; null before it saw one. */
	changedAt: number | null;
}

const kept = new WeakMap<Y.Doc, KeptUntilChange>();

export function keptUntilChange(doc: Y.Doc): KeptUntilChange {
	let entry = kept.get(doc);
	if (!entry) {
		const fresh: KeptUntilChange = { values: new Map(), changedAt: null };
		// Any change, deletions included, comes as an update.
		doc.on('update', () => {
			fresh.values.clear();
			fresh.changedAt = Date.now();
		});
		kept.set(doc, fresh);
		entry = fresh;
	}
	return entry;
}

export function readOncePerChange<T>(doc: Y.Doc, key: string, read: () => T): T {
	const { values } = keptUntilChange(doc);
	if (!values.has(key)) values.set(key, read());
	return values.get(key) as T;
}
