// The page's side of slicing: large updates are cut in a worker, then applied one slice per task.
import { connect, transfer, type Remote } from '$lib/workers/rpc';
import type { handlers } from './slice.worker';
import type { LoadedUpdate } from './update-log';

/** Updates above this size are applied in slices; smaller ones whole (their cost is a frame or two). */
export const SLICE_ABOVE_BYTES = 512 * 1024;
/**
 * Structs per slice: 3–20 ms of applying each in Node on a 2-core machine, 40–100 ms in its Chromium
 * with the page's own work after each (5,000 took up to 130 ms there).
 */
export const STRUCTS_PER_SLICE = 2_500;

export type Slicer = (update: Uint8Array) => Promise<Uint8Array[]>;

/** A new slice worker (the `new URL` stays inside `new Worker` for the bundler to find it). */
function startSliceWorker(): Remote<typeof handlers> {
	return connect<typeof handlers>(new Worker(new URL('./slice.worker.ts', import.meta.url), { type: 'module' }));
}

/** Runs `job` in a slice worker of its own, stopped after; null where there are no workers. */
function inSliceWorker<A extends unknown[], R>(job: (remote: Remote<typeof handlers>, ...args: A) => Promise<R>): ((...args: A) => Promise<R>) | null {
	if (typeof Worker === 'undefined') return null;
	return async (...args) => {
		const remote = startSliceWorker();
		try {
			return await job(remote, ...args);
		} finally {
			remote.close();
		}
	};
}

/** Slices in a dedicated worker, started on the first large update and stopped once idle; null where there are no workers. */
export function createWorkerSlicer(): Slicer | null {
	if (typeof Worker === 'undefined') return null;
	let remote: Remote<typeof handlers> | null = null;
	let busy = 0;
	return async (update) => {
		busy++;
		try {
			// Where the worker cannot start (a bundle without it), the update is applied whole.
			remote ??= startSliceWorker();
			// A copy goes to the worker: the caller keeps its own bytes.
			const copy = update.slice();
			return await remote.call('slice', transfer(copy, [copy.buffer]), STRUCTS_PER_SLICE);
		} catch {
			return [update];
		} finally {
			if (--busy === 0) {
				remote?.close();
				remote = null;
			}
		}
	};
}

export type SlicedLoader = (groupId: string) => Promise<LoadedUpdate[]>;

/**
 * Reads a group's stored updates (the default IndexedDB log) in a dedicated worker, slicing those
 * over `aboveBytes`: reading 30 MB out of IndexedDB and handing it to the worker again took the page's
 * thread a few hundred ms, and left the page's heap to collect it. Null where there are no workers.
 */
export function createWorkerLoader(aboveBytes = SLICE_ABOVE_BYTES): SlicedLoader | null {
	return inSliceWorker((remote, groupId: string) => remote.call('load', groupId, aboveBytes, STRUCTS_PER_SLICE));
}

/** Compacts a group's update log (the default IndexedDB log) in a dedicated worker; null where there are no workers. */
export function createWorkerCompactor(): ((groupId: string) => Promise<number>) | null {
	return inSliceWorker(async (remote, groupId: string) => {
		const bytes = await remote.call('compact', groupId);
		performance.mark?.('commonplace:compacted-in-worker', { detail: { groupId, bytes } });
		return bytes;
	});
}

/** Lets the page draw and answer input before the next slice (scheduler.yield where there is one). */
export function yieldToPage(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (scheduler?.yield) return scheduler.yield();
	return new Promise((resolve) => setTimeout(resolve, 0));
}
