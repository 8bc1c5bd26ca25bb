// Keeps one group's Y.Doc in an UpdateLog: loads it first, appends every update (local changes
// flagged "waiting" until the relay confirms them), and compacts the log when it grows.
import * as Y from 'yjs';
import { compactLog } from './compact-log';
import { StorageError, type LoadedUpdate, type UpdateKey, type UpdateLog } from './update-log';

export interface PersistenceState {
	/** Local changes (stored or still queued) that the relay has not confirmed holding. */
	waiting: number;
	/** The last storage failure, until a later write succeeds. */
	error: StorageError | null;
}

export interface GroupPersistence {
	/** Resolves once everything stored for the group is in the doc. */
	readonly loaded: Promise<void>;
	readonly state: PersistenceState;
	/** A mark covering every local change so far; pass it to `confirm` once the relay holds them. */
	mark(): number;
	confirm(mark: number): void;
	/** Resolves when every update so far is written (or rejects with the storage error). */
	flushed(): Promise<void>;
	subscribe(listener: (state: PersistenceState) => void): () => void;
	destroy(): void;
}

interface LocalChange {
	seq: number;
	key: UpdateKey | null;
}

interface Queued {
	update: Uint8Array;
	change: LocalChange | null;
}

export interface PersistenceOptions {
	/** Remote updates (from the relay or another tab) are stored settled; everything else waits. */
	isLocal: (origin: unknown) => boolean;
	/**
	 * Local writes that are not the member's edits (a view counted): stored settled and not counted
	 * as waiting. They still reach the relay, which learns of everything the doc holds when it syncs.
	 */
	isBookkeeping?: (origin: unknown) => boolean;
	/** Settled entries allowed before they are merged into one. */
	compactAfter?: number;
	retryMs?: number;
	/** Reading the log waits for this (the page shows the group's cover first). */
	loadAfter?: Promise<unknown>;
	/**
	 * Cuts a large stored update into slices applied one per task, with `pause` between them, so
	 * loading a big group never holds the page for seconds. Without it, updates are applied whole.
	 */
	slice?: (update: Uint8Array) => Promise<Uint8Array[]>;
	/** Only updates larger than this are sliced. */
	sliceAboveBytes?: number;
	/**
	 * Reads the stored entries elsewhere (a worker reading the same log), large ones already in
	 * slices: the page then never holds a whole stored group. On failure the log is read here.
	 */
	loadSliced?: (groupId: string) => Promise<LoadedUpdate[]>;
	/**
	 * Compacts the log elsewhere (a worker on the same log, `compactLog` there), returning the bytes
	 * that were settled: merging a big group holds the page for the better part of a second. On
	 * failure the log is compacted here.
	 */
	compact?: (groupId: string) => Promise<number>;
	pause?: () => Promise<void>;
	/** Hears how many slices of the large updates are applied, of how many, as they are. */
	applied?: (slices: number, of: number) => void;
	/**
	 * Where the group comes from when nothing is stored (a device that never held it: the relay's
	 * whole state, downloaded). What it gives is stored settled and applied like a stored update;
	 * null or a failure leaves the doc empty, for the relay's first sync to fill.
	 */
	initial?: () => Promise<Uint8Array | null>;
}

export function persistGroup(doc: Y.Doc, groupId: string, log: UpdateLog, options: PersistenceOptions): GroupPersistence {
	const compactAfter = options.compactAfter ?? 100;
	const retryMs = options.retryMs ?? 2_000;
	const listeners = new Set<(state: PersistenceState) => void>();
	const origin = { persistence: groupId };
	let state: PersistenceState = { waiting: 0, error: null };
	let currentError: StorageError | null = null;
	let seq = 0;
	let confirmedSeq = 0;
	let queue: Queued[] = [];
	// Local changes not yet settled in storage, oldest first.
	let changes: LocalChange[] = [];
	let settledEntries = 0;
	// Bytes in the last compacted entry and appended since: merging a large group costs a moment on
	// the main thread, so a large group is compacted once its new entries are worth it.
	let baseBytes = 0;
	let newBytes = 0;
	let destroyed = false;
	let chain: Promise<void> = Promise.resolve();
	let scheduled = false;
	let retryTimer: ReturnType<typeof setTimeout> | null = null;

	const emit = () => {
		const waiting = changes.filter((c) => c.seq > confirmedSeq).length;
		if (waiting === state.waiting && state.error === currentError) return;
		state = { waiting, error: currentError };
		for (const l of listeners) l(state);
	};

	const onUpdate = (update: Uint8Array, updateOrigin: unknown) => {
		if (updateOrigin === origin) return;
		let change: LocalChange | null = null;
		if (options.isLocal(updateOrigin) && !options.isBookkeeping?.(updateOrigin)) {
			change = { seq: ++seq, key: null };
			changes.push(change);
		}
		queue.push({ update, change });
		schedule();
		emit();
	};
	doc.on('update', onUpdate);

	// Run storage work one step at a time so compaction never races this tab's own appends.
	const enqueue = (step: () => Promise<void>): Promise<void> => {
		const run = chain.then(step);
		chain = run.catch(() => {});
		return run;
	};

	const fail = (error: unknown) => {
		currentError = error instanceof StorageError ? error : new StorageError(String(error), { quota: false, cause: error });
		emit();
		if (!destroyed && !retryTimer) {
			retryTimer = setTimeout(() => {
				retryTimer = null;
				schedule();
			}, retryMs);
		}
	};

	const loaded = enqueue(async () => {
		await options.loadAfter?.catch(() => {});
		const sliced = options.loadSliced ? await options.loadSliced(groupId).catch(() => null) : null;
		const stored = sliced ?? (await log.load(groupId)).map(({ key, waiting, update }) => ({ key, waiting, bytes: update.length, slices: [update] }));
		if (stored.length === 0 && options.initial) return loadInitial(options.initial);
		await applyStored(stored.map((s) => s.slices), sliced !== null);
		for (const s of stored) {
			if (s.waiting) changes.push({ seq: ++seq, key: s.key });
			else settledEntries++;
			if (!s.waiting) baseBytes = Math.max(baseBytes, s.bytes);
		}
		emit();
	});
	loaded.catch(fail);

	// The group from elsewhere, written to the log while it is applied; kept in the queue if the write fails.
	async function loadInitial(initial: () => Promise<Uint8Array | null>): Promise<void> {
		const update = await initial().catch(() => null);
		if (!update || destroyed) return;
		const written = log.append(groupId, [{ update, waiting: false }]).then(
			() => {
				settledEntries++;
				baseBytes = update.length;
			},
			() => {
				queue.push({ update, change: null });
				schedule();
			}
		);
		await applyStored([[update]], false);
		await written;
	}

	// Small entries in one transaction; a large one (a whole group) slice by slice, pausing between.
	// Each entry comes whole, or already in slices (`sliced`: read by `loadSliced`).
	async function applyStored(entries: Uint8Array[][], sliced: boolean): Promise<void> {
		const slice = options.slice;
		const above = options.sliceAboveBytes ?? 512 * 1024;
		const isLarge = (parts: Uint8Array[]) => (sliced ? parts.length > 1 || parts[0].length > above : slice !== undefined && parts[0].length > above);
		const small = entries.filter((parts) => !isLarge(parts)).map((parts) => parts[0]);
		const large = entries.filter(isLarge);
		const cut = sliced ? large : await Promise.all(large.map(([update]) => slice!(update)));
		const total = cut.reduce((n, slices) => n + slices.length, 0);
		let applied = 0;
		for (const slices of cut) {
			for (const part of slices) {
				if (destroyed) return;
				// What is applied here is stored already: without a listener (none other is there while the
				// group loads), Yjs does not encode each slice again for the 'update' event.
				doc.off('update', onUpdate);
				try {
					Y.applyUpdate(doc, part, origin);
				} finally {
					doc.on('update', onUpdate);
				}
				options.applied?.(++applied, total);
				await options.pause?.();
			}
		}
		if (small.length > 0 && !destroyed) {
			doc.transact(() => {
				for (const update of small) Y.applyUpdate(doc, update);
			}, origin);
		}
	}

	function schedule() {
		if (scheduled || destroyed) return;
		scheduled = true;
		// One storage transaction for every update of the same turn of the event loop.
		setTimeout(() => {
			scheduled = false;
			void enqueue(writeQueued).catch(fail);
		}, 0);
	}

	async function writeQueued(): Promise<void> {
		if (queue.length > 0) {
			const batch = queue;
			queue = [];
			// Decided now: the relay may confirm while the write is under way.
			const waiting = batch.map((q) => q.change !== null && q.change.seq > confirmedSeq);
			try {
				const keys = await log.append(
					groupId,
					batch.map((q, i) => ({ update: q.update, waiting: waiting[i] }))
				);
				const settledNow = new Set<LocalChange>();
				batch.forEach((q, i) => {
					newBytes += q.update.length;
					// Stored as waiting: keep its key, so settle() merges it once confirmed.
					if (waiting[i]) (q.change as LocalChange).key = keys[i];
					else {
						settledEntries++;
						if (q.change) settledNow.add(q.change);
					}
				});
				// Changes the relay confirmed before they reached storage were stored settled.
				changes = changes.filter((c) => !settledNow.has(c));
			} catch (error) {
				queue = batch.concat(queue);
				throw error;
			}
		}
		await settle();
		if (settledEntries > compactAfter && (newBytes * 10 > baseBytes || settledEntries > compactAfter * 10)) await compact();
		if (currentError) {
			currentError = null;
			emit();
		}
	}

	// Marks confirmed local changes settled, without writing them again (compaction merges them later).
	async function settle(): Promise<void> {
		const done = changes.filter((c) => c.seq <= confirmedSeq && c.key !== null);
		if (done.length === 0) return;
		await log.settle(
			groupId,
			done.map((c) => c.key as UpdateKey)
		);
		changes = changes.filter((c) => !done.includes(c));
		settledEntries += done.length;
		emit();
	}

	// Merges the settled entries in storage (this tab's and other tabs') into one (compact-log.ts).
	async function compact(): Promise<void> {
		const elsewhere = options.compact;
		baseBytes = elsewhere ? await elsewhere(groupId).catch(() => compactLog(log, groupId)) : await compactLog(log, groupId);
		settledEntries = 1;
		newBytes = 0;
	}

	return {
		loaded,
		get state() {
			return state;
		},
		mark: () => seq,
		confirm(mark) {
			if (mark <= confirmedSeq) return;
			confirmedSeq = mark;
			emit();
			schedule();
		},
		flushed() {
			return enqueue(writeQueued).catch((error) => {
				fail(error);
				throw error;
			});
		},
		subscribe(listener) {
			listeners.add(listener);
			listener(state);
			return () => listeners.delete(listener);
		},
		destroy() {
			if (destroyed) return;
			// Anything still queued is written before letting go; the doc stays usable in memory.
			void enqueue(writeQueued).catch(() => {});
			destroyed = true;
			if (retryTimer) clearTimeout(retryTimer);
			doc.off('update', onUpdate);
			listeners.clear();
		}
	};
}
