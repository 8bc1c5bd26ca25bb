// An in-memory RoomStore with the same contract as the SQLite one, for unit tests and benchmarks
// that measure the relay without a disk.
import * as Y from 'yjs';
import type { RoomStore, StoredSize } from './types.ts';

interface Entry {
	snapshot: Uint8Array | null;
	log: Uint8Array[];
}

function sizeOf(entry: Entry): StoredSize {
	const logBytes = entry.log.reduce((sum, update) => sum + update.length, 0);
	return { logUpdates: entry.log.length, logBytes, totalBytes: logBytes + (entry.snapshot?.length ?? 0) };
}

export function createMemoryStore(): RoomStore {
	const groups = new Map<string, Entry>();
	return {
		async load(groupId) {
			const entry = groups.get(groupId);
			if (!entry) return null;
			return { updates: [...(entry.snapshot ? [entry.snapshot] : []), ...entry.log], size: sizeOf(entry) };
		},
		async append(groupId, update) {
			let entry = groups.get(groupId);
			if (!entry) groups.set(groupId, (entry = { snapshot: null, log: [] }));
			entry.log.push(Uint8Array.from(update));
			return sizeOf(entry);
		},
		async compact(groupId) {
			const entry = groups.get(groupId);
			if (!entry) return { logUpdates: 0, logBytes: 0, totalBytes: 0 };
			if (entry.log.length === 0) return sizeOf(entry);
			const doc = new Y.Doc();
			doc.transact(() => {
				if (entry.snapshot) Y.applyUpdate(doc, entry.snapshot);
				for (const update of entry.log) Y.applyUpdate(doc, update);
			});
			entry.snapshot = Y.encodeStateAsUpdate(doc);
			entry.log = [];
			doc.destroy();
			return sizeOf(entry);
		},
		async listGroups() {
			return [...groups.keys()].sort();
		},
		async remove(groupId) {
			groups.delete(groupId);
		},
		async close() {
			groups.clear();
		}
	};
}
