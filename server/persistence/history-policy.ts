// How much history a store keeps: one dated checkpoint (the group as it was at some moment) and every
// update logged since. Once the oldest kept update is older than the retention (plus a day, so this
// happens at most about once a day), the updates older than the retention are folded into the
// checkpoint, which moves forward to the newest of them. Shared by the SQLite, in-memory and
// PostgreSQL stores so they keep exactly the same history.

export const DAY_MS = 86_400_000;

export interface HistoryRowMark {
	seq: number;
	/** When the relay accepted it; null for rows logged before times were kept (the oldest). */
	at: number | null;
}

/**
 * The seq through which history rows (in seq order) are folded into the checkpoint now, or null
 * when nothing is due: every row accepted before the retention's start, once the oldest of them is
 * a day past it.
 */
export function foldThrough(rows: readonly HistoryRowMark[], days: number, now: number): number | null {
	const cutoff = now - days * DAY_MS;
	if (rows.length === 0 || (rows[0].at ?? 0) >= cutoff - DAY_MS) return null;
	let through: number | null = null;
	for (const row of rows) {
		if ((row.at ?? 0) >= cutoff) break;
		through = row.seq;
	}
	return through;
}
