// The relay's storage seam: where a group's Yjs updates live. SQLite is the default; a PostgreSQL
// snapshot store (with a Redis Streams fan-out log, see ../fanout.ts) can implement the same interface.

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

export interface RoomStore {
	/** Everything stored of a group, or null when the group has nothing stored. */
	load(groupId: string): Promise<StoredGroup | null>;
	/**
	 * Appends one update to the group's log. It must be durable when the promise resolves, and
	 * promises resolve in the order of the calls; the relay passes the update on only then.
	 */
	append(groupId: string, update: Uint8Array): Promise<StoredSize>;
	/**
	 * Folds the group's snapshot and logged updates into a new snapshot and removes the folded
	 * updates, atomically: a crash at any point leaves either the old or the new state, never less.
	 */
	compact(groupId: string): Promise<StoredSize>;
	/** Ids of every stored group. */
	listGroups(): Promise<string[]>;
	/** Removes everything stored of a group (its snapshot and log), as when its owner deletes it. */
	remove(groupId: string): Promise<void>;
	/** Finishes what was appended (its promises settle) and releases the storage. */
	close(): Promise<void>;
}
