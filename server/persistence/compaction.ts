// When a group's update log is worth folding into its snapshot. Compaction rewrites the whole
// snapshot, so a big group waits until its log is a fair share of it (or very long).
import type { StoredSize } from './types.ts';

export interface CompactionLimits {
	compactAfterUpdates: number;
	compactAfterBytes: number;
}

/** A log this many times `compactAfterUpdates` long is folded whatever the snapshot's size. */
const LONG_LOG_FACTOR = 20;
/** Below this share of the snapshot's size, rewriting the snapshot costs more than the log. */
const LOG_SHARE = 1 / 8;

export function needsCompaction(size: StoredSize, limits: CompactionLimits): boolean {
	if (size.logBytes >= limits.compactAfterBytes) return true;
	if (size.logUpdates < limits.compactAfterUpdates) return false;
	const snapshotBytes = Math.max(0, size.totalBytes - size.logBytes);
	return size.logBytes >= snapshotBytes * LOG_SHARE || size.logUpdates >= limits.compactAfterUpdates * LONG_LOG_FACTOR;
}
