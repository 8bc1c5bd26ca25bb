// The relay's storage seam: where a group's Yjs updates live. SQLite is the default; a PostgreSQL
// snapshot store (with a Redis Streams fan-out log, see ../fanout.ts) can implement the same interface.
import type { PackedHistory } from '../../src/lib/history/packed.ts';

/** How much of a group is stored: what compaction and the document-size limit look at. */
export interface StoredSize {
	/** Updates logged since the snapshot. */
	logUpdates: number;
	logBytes: number;
	/** Snapshot plus log. */
	totalBytes: number;
}

/** What is stored of one group: its snapshot (if compacted) and the updates logged after it. */
export interface StoredGroup {
	/** Snapshot first (when there is one), then every logged update in order. */
	updates: Uint8Array[];
	size: StoredSize;
}

/** Who sent a logged update, and when the relay accepted it (its own clock). */
export interface UpdateAuthor {
	/** The token the update came with (never the token itself). */
	tokenId: string;
	/** The member's name the token was given when they joined ('' when none). */
	name: string;
	/** Milliseconds since the epoch, by the relay's clock. */
	at: number;
}

/** One logged update with its author; null for updates logged before authors were kept. */
export interface LoggedUpdate {
	seq: number;
	body: Uint8Array;
	author: UpdateAuthor | null;
}

/**
 * What a group's history is replayed from: the oldest kept checkpoint (the group's state at some
 * moment; null for the empty group), then every update logged after it, in order.
 */
export interface StoredHistory {
	base: Uint8Array | null;
	/** When the base was taken; null for the empty group. */
	baseAt: number | null;
	updates: LoggedUpdate[];
}

/**
 * What a reader of a group's history replayed already: the base it started from and the last
 * update it applied. A store answers with only the updates after `after` while the base is still
 * the same, and with the whole history once it is not (folded past the retention, compacted
 * without history, deleted).
 */
export interface HistorySince {
	baseThrough: number;
	baseAt: number | null;
	after: number;
}

export interface RoomStore {
	/** Everything stored of a group, or null when the group has nothing stored. */
	load(groupId: string): Promise<StoredGroup | null>;
	/**
	 * Appends one update to the group's log. It must be durable when the promise resolves, and
	 * promises resolve in the order of the calls; the relay passes the update on only then.
	 */
	append(groupId: string, update: Uint8Array, author?: UpdateAuthor): Promise<StoredSize>;
	/**
	 * Folds the group's snapshot and logged updates into a new snapshot, atomically: a crash at any
	 * point leaves either the old or the new state, never less. With history kept, the folded updates
	 * move to the group's history (with a dated checkpoint at most once a day) and history older than
	 * the retention is pruned; without, they are removed.
	 */
	compact(groupId: string): Promise<StoredSize>;
	/**
	 * The group's kept history (checkpoint and updates since; see StoredHistory), packed in a few
	 * buffers of its own so it crosses threads without per-update work; null when nothing is stored.
	 * With `since`, only what came after it when its base is still the one kept (see HistorySince).
	 */
	loadHistory(groupId: string, since?: HistorySince): Promise<PackedHistory | null>;
	/** Ids of every stored group. */
	listGroups(): Promise<string[]>;
	/** Removes everything stored of a group (its snapshot, log and history), as when its owner deletes it. */
	remove(groupId: string): Promise<void>;
	/** Finishes what was appended (its promises settle) and releases the storage. */
	close(): Promise<void>;
}
