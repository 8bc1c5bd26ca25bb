// The group update log on IndexedDB (idb-keyval's store plumbing, key ranges for one group).
// Every call rejects with a StorageError on any failure, so sync can show it as status.
// Large entries (a group downloaded whole, a compacted group) are kept as Blobs: IndexedDB hands a
// Blob back at once and its bytes are read through the browser's blob store, so reading a 27 MiB
// group no longer holds up every other read of the origin's IndexedDB (the search worker's items
// among them) for the 60–80 ms it takes, and writing one copies the bytes once, not on every clone.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { randomId } from '$lib/model';
import { StorageError, type StoredUpdate, type UpdateEntry, type UpdateKey, type UpdateLog } from './update-log';

interface Row {
	/** A Blob above BLOB_ABOVE_BYTES; rows written before Blobs were used hold bytes whatever their size. */
	update: Uint8Array | Blob;
	waiting: boolean;
	/** Only in a writer's settle mark (key `[groupId, writer, 0]`): its entries up to here are settled. */
	settledUpTo?: number;
}

/** Entries are numbered from 1, so seq 0 is each writer's settle mark. */
const MARK = 0;

/** Entries larger than this are stored as a Blob (see the top of this file). */
export const BLOB_ABOVE_BYTES = 64 * 1024;

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
			return guard('read the group from browser storage', async () => {
				const rows = await store('readonly', async (os) => {
					const [keys, rows] = await Promise.all([
						promisifyRequest(os.getAllKeys(range(groupId))),
						promisifyRequest(os.getAll(range(groupId)))
					]);
					const settledUpTo = new Map<string, number>();
					keys.forEach((key, i) => {
						const k = key as UpdateKey;
						if (k[2] === MARK) settledUpTo.set(k[1], (rows[i] as Row).settledUpTo ?? 0);
					});
					const entries: (Omit<StoredUpdate, 'update'> & Pick<Row, 'update'>)[] = [];
					keys.forEach((key, i) => {
						const k = key as UpdateKey;
						if (k[2] === MARK) return;
						const row = rows[i] as Row;
						entries.push({ key: k, update: row.update, waiting: row.waiting && k[2] > (settledUpTo.get(k[1]) ?? 0) });
					});
					return entries;
				});
				// A Blob stays readable after its transaction, so the bytes are read once it has ended.
				return Promise.all(rows.map(async (row): Promise<StoredUpdate> => ({ ...row, update: await bytesOf(row.update) })));
			});
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
		settle(groupId, keys) {
			// One small mark per writer instead of rewriting every confirmed change.
			const upTo = new Map<string, number>();
			for (const k of keys) if (k[0] === groupId && k[2] !== MARK) upTo.set(k[1], Math.max(upTo.get(k[1]) ?? 0, k[2]));
			if (upTo.size === 0) return Promise.resolve();
			return guard('save a change in browser storage', () =>
				store('readwrite', async (os) => {
					for (const [w, seqUpTo] of upTo) {
						const key: UpdateKey = [groupId, w, MARK];
						const previous = (await promisifyRequest(os.get(key))) as Row | undefined;
						const mark: Row = { update: new Uint8Array(0), waiting: false, settledUpTo: Math.max(previous?.settledUpTo ?? 0, seqUpTo) };
						os.put(mark, key);
					}
					return promisifyRequest(os.transaction);
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
	const update = entry.update.byteLength > BLOB_ABOVE_BYTES ? new Blob([entry.update as Uint8Array<ArrayBuffer>]) : entry.update;
	return { update, waiting: entry.waiting };
}

async function bytesOf(update: Uint8Array | Blob): Promise<Uint8Array> {
	return update instanceof Blob ? new Uint8Array(await update.arrayBuffer()) : update;
}

function toStorageError(what: string, cause: unknown): StorageError {
	const name = (cause as { name?: string } | null)?.name ?? '';
	const quota = name === 'QuotaExceededError' || /quota/i.test(String((cause as Error)?.message ?? ''));
	const message = quota
		? 'Browser storage is full, so recent changes are only kept in this tab. Free some disk space or remove groups you no longer need, and keep this tab open until the status says "Up to date".'
		: `Could not ${what}. Your changes are kept in this tab; keep it open until the status says "Up to date".`;
	return new StorageError(message, { quota, cause });
}
