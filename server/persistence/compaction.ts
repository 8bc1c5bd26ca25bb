// When a group's update log is worth folding into its snapshot. Compaction rewrites the whole
// snapshot, so a big group waits until its log is a fair share of it (or very long).
import * as Y from 'yjs';
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

/**
 * One update holding `base` (a snapshot or checkpoint, when there is one) and every update after it,
 * as compaction and history folding store it. encodeStateAsUpdate also carries pending structs, so
 * nothing logged is left out.
 */
export function foldUpdates(base: Uint8Array | null | undefined, updates: Iterable<Uint8Array>): Uint8Array {
	const doc = new Y.Doc();
	doc.transact(() => {
		if (base) Y.applyUpdate(doc, base);
		for (const update of updates) Y.applyUpdate(doc, update);
	});
	const body = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return body;
}
