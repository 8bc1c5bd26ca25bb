// How much history a store keeps: a dated checkpoint (the group's snapshot) at most once a day, the
// updates logged since the oldest kept checkpoint, and nothing the retention no longer needs. Shared
// by the SQLite, in-memory and PostgreSQL stores so they keep exactly the same history.

export const DAY_MS = 86_400_000;

export interface HistorySettings {
	/** Days of history kept; 0 keeps none (compaction removes what it folds). */
	historyDays: number;
}

export interface CheckpointMark {
	at: number;
	throughSeq: number;
}

/** A new checkpoint is written with a compaction when the newest kept one is a day old (or none is kept). */
export function needsCheckpoint(newestAt: number | null, now: number): boolean {
	return newestAt === null || now - newestAt >= DAY_MS;
}

/**
 * The checkpoint history is replayed from once older history is pruned: the newest one taken before
 * the retention's start (so every change within the retention can still be replayed). Checkpoints
 * older than it and updates folded into it may go. Null: nothing to prune yet.
 */
export function pruneBase<T extends CheckpointMark>(checkpoints: readonly T[], days: number, now: number): T | null {
	const cutoff = now - days * DAY_MS;
	let base: T | null = null;
	for (const checkpoint of checkpoints) {
		if (checkpoint.at <= cutoff && (!base || checkpoint.at > base.at)) base = checkpoint;
	}
	return base;
}
