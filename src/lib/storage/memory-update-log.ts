// The in-memory twin of the IndexedDB update log, for unit tests. Several instances may share one
// backing map to stand for several tabs of one browser.
import { randomId } from '$lib/model';
import type { StoredUpdate, UpdateEntry, UpdateKey, UpdateLog } from './update-log';

export type MemoryBacking = Map<string, StoredUpdate>;

export function createMemoryBacking(): MemoryBacking {
	return new Map();
}

export function createMemoryUpdateLog(backing: MemoryBacking = createMemoryBacking(), writer = randomId()): UpdateLog {
	let seq = 0;
	const id = (key: UpdateKey) => JSON.stringify(key);
	// Copies in and out, like IndexedDB's structured clone, so callers can never alias stored bytes.
	const copy = (s: StoredUpdate): StoredUpdate => ({ key: [...s.key], update: s.update.slice(), waiting: s.waiting });
	const compare = (a: UpdateKey, b: UpdateKey) =>
		a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2];
	const put = (groupId: string, entry: UpdateEntry): UpdateKey => {
		const key: UpdateKey = [groupId, writer, ++seq];
		backing.set(id(key), copy({ key, update: entry.update, waiting: entry.waiting }));
		return key;
	};
	return {
		async load(groupId) {
			return [...backing.values()]
				.filter((s) => s.key[0] === groupId)
				.sort((a, b) => compare(a.key, b.key))
				.map(copy);
		},
		async append(groupId, entries) {
			return entries.map((entry) => put(groupId, entry));
		},
		async replace(groupId, keys, entry) {
			const key = put(groupId, entry);
			for (const k of keys) if (k[0] === groupId) backing.delete(id(k));
			return key;
		},
		async settle(groupId, keys) {
			for (const k of keys) {
				const stored = k[0] === groupId ? backing.get(id(k)) : undefined;
				if (stored) stored.waiting = false;
			}
		},
		async remove(groupId) {
			for (const [k, s] of backing) if (s.key[0] === groupId) backing.delete(k);
		}
	};
}
