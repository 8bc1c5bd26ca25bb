// Compaction of a group's update log: its settled entries merged into one. Waiting entries are kept
// apart, so a reload still knows how many changes wait for the relay; entries other tabs append
// meanwhile are never touched (`replace` deletes exactly the keys it was given). Runs on the page or,
// for a big group (merging 30 MB takes the better part of a second), in the slice worker.
import * as Y from 'yjs';
import type { UpdateLog } from './update-log';

/** Merges the settled entries of `groupId` into one; returns the bytes that were settled. */
export async function compactLog(log: UpdateLog, groupId: string): Promise<number> {
	const stored = await log.load(groupId);
	const settled = stored.filter((s) => !s.waiting);
	if (settled.length > 1) {
		await log.replace(
			groupId,
			settled.map((s) => s.key),
			{ update: Y.mergeUpdates(settled.map((s) => s.update)), waiting: false }
		);
	}
	return settled.reduce((n, s) => n + s.update.length, 0);
}
