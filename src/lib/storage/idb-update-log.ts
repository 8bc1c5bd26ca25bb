// The group update log on IndexedDB (idb-keyval's store plumbing, key ranges for one group).
// Every call rejects with a StorageError on any failure, so sync can show it as status.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { randomId } from '$lib/model';
import { StorageError, type StoredUpdate, type UpdateEntry, type UpdateKey, type UpdateLog } from './update-log';

interface Row {
	update: Uint8Array;
	waiting: boolean;
}

let sharedStore: UseStore | null = null;

export function createIdbUpdateLog(options: { dbName?: string; writer?: string } = {}): UpdateLog {
	const store: UseStore = options.dbName
		? createStore(options.dbName, 'updates')
		: (sharedStore ??= createStore('commonplace-updates', 'updates'));
	const writer = options.writer ?? randomId();
	let seq = 0;

	// Arrays sort after strings, so [groupId, []] is above every [groupId, writer, seq].
	const range = (groupId: string) => IDBKeyRange.bound([groupId], [groupId, []]);

	const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
		try {
			return await run();
		} catch (cause) {
			throw toStorageError(what, cause);
		}
	};

	return {
		load(groupId) {
			return guard('read the group from browser storage', () =>
				store('readonly', async (os) => {
					const [keys, rows] = await Promise.all([
						promisifyRequest(os.getAllKeys(range(groupId))),
						promisifyRequest(os.getAll(range(groupId)))
					]);
					return keys.map((key, i): StoredUpdate => {
						const row = rows[i] as Row;
						return { key: key as UpdateKey, update: row.update, waiting: row.waiting };
					});
				})
			);
		},
		append(groupId, entries) {
			return guard('save a change in browser storage', () =>
				store('readwrite', (os) => {
					const keys = entries.map((entry) => {
						const key: UpdateKey = [groupId, writer, ++seq];
						os.put(toRow(entry), key);
						return key;
					});
					return promisifyRequest(os.transaction).then(() => keys);
				})
			);
		},
		replace(groupId, keys, entry) {
			return guard('compact the group in browser storage', () =>
				store('readwrite', (os) => {
					const key: UpdateKey = [groupId, writer, ++seq];
					os.put(toRow(entry), key);
					for (const k of keys) if (k[0] === groupId) os.delete(k);
					return promisifyRequest(os.transaction).then(() => key);
				})
			);
		},
		remove(groupId) {
			return guard('remove the group from browser storage', () =>
				store('readwrite', (os) => {
					os.delete(range(groupId));
					return promisifyRequest(os.transaction);
				})
			);
		}
	};
}

function toRow(entry: UpdateEntry): Row {
	return { update: entry.update, waiting: entry.waiting };
}

function toStorageError(what: string, cause: unknown): StorageError {
	const name = (cause as { name?: string } | null)?.name ?? '';
	const quota = name === 'QuotaExceededError' || /quota/i.test(String((cause as Error)?.message ?? ''));
	const message = quota
		? 'Browser storage is full, so recent changes are only kept in this tab. Free some disk space or remove groups you no longer need, and keep this tab open until the status says "Up to date".'
		: `Could not ${what}. Your changes are kept in this tab; keep it open until the status says "Up to date".`;
	return new StorageError(message, { quota, cause });
}
