// Cuts large stored updates into slices off the page's thread (decoding 30 MB takes a second or two),
// and reads and compacts a group's stored updates here too, so the page never holds the whole stored group.
import { serve, transfer } from '$lib/workers/rpc';
import { compactLog } from './compact-log';
import { createIdbUpdateLog } from './idb-update-log';
import { splitUpdate } from './split-update';
import type { LoadedUpdate } from './update-log';

export const handlers = {
	slice(update: Uint8Array, maxStructs: number): Uint8Array[] {
		const slices = splitUpdate(update, maxStructs);
		return transfer(slices, slices.map((s) => s.buffer));
	},
	/** The group's stored updates (the page's update log, in IndexedDB), those over `aboveBytes` in slices. */
	async load(groupId: string, aboveBytes: number, maxStructs: number): Promise<LoadedUpdate[]> {
		const stored = await createIdbUpdateLog().load(groupId);
		const loaded = stored.map(({ key, waiting, update }) => ({
			key,
			waiting,
			bytes: update.length,
			slices: update.length > aboveBytes ? splitUpdate(update, maxStructs) : [update]
		}));
		const buffers = new Set(loaded.flatMap((entry) => entry.slices.map((s) => s.buffer)));
		return transfer(loaded, [...buffers]);
	},
	/** Merges the group's settled entries in the page's update log; the bytes that were settled. */
	compact: (groupId: string): Promise<number> => compactLog(createIdbUpdateLog(), groupId)
};

serve(handlers, self as unknown as Parameters<typeof serve>[1]);
