// The storage interface for a group's Yjs updates: an append-only log per group that can be
// compacted. Implemented on IndexedDB (idb-update-log.ts) and in memory (memory-update-log.ts).

/** `[groupId, writer, seq]`: each writer (one per tab) numbers its own entries, so tabs never collide. */
export type UpdateKey = [groupId: string, writer: string, seq: number];

export interface UpdateEntry {
	update: Uint8Array;
	/** A local change the relay has not yet confirmed holding. */
	waiting: boolean;
}

export interface StoredUpdate extends UpdateEntry {
	key: UpdateKey;
}

/** A stored entry as read elsewhere (the slice worker): its bytes whole, or in slices when large. */
export interface LoadedUpdate {
	key: UpdateKey;
	waiting: boolean;
	bytes: number;
	slices: Uint8Array[];
}

export interface UpdateLog {
	/** Every stored entry of the group, in key order. */
	load(groupId: string): Promise<StoredUpdate[]>;
	/** Stores the entries atomically (all or none) and returns their keys. */
	append(groupId: string, entries: UpdateEntry[]): Promise<UpdateKey[]>;
	/**
	 * Atomically stores `entry` and deletes exactly `keys` (keys already gone are ignored). Entries
	 * other writers appended meanwhile are never touched, so compaction is safe across tabs.
	 */
	replace(groupId: string, keys: UpdateKey[], entry: UpdateEntry): Promise<UpdateKey>;
	/**
	 * Marks waiting entries as settled without rewriting them (the relay confirmed them). `keys` of
	 * one writer must cover a prefix of its waiting entries, as confirmations come in order.
	 */
	settle(groupId: string, keys: UpdateKey[]): Promise<void>;
	/** Deletes every entry of the group. */
	remove(groupId: string): Promise<void>;
}

/** A storage failure, with whether the browser ran out of space. */
export class StorageError extends Error {
	readonly quota: boolean;
	constructor(message: string, options: { quota: boolean; cause?: unknown }) {
		super(message, { cause: options.cause });
		this.name = 'StorageError';
		this.quota = options.quota;
	}
}

export function sameKey(a: UpdateKey, b: UpdateKey): boolean {
	return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}
