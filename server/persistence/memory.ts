// An in-memory RoomStore with the same contract as the SQLite one, for unit tests and benchmarks
// that measure the relay without a disk.
import * as Y from 'yjs';
import { packHistory } from '../../src/lib/history/packed.ts';
import { foldUpdates } from './compaction.ts';
import { foldThrough } from './history-policy.ts';
import type { LoggedUpdate, RoomStore, StoredSize } from './types.ts';

interface Checkpoint {
	at: number;
	throughSeq: number;
	body: Uint8Array;
}

interface Entry {
	snapshot: { body: Uint8Array; throughSeq: number; at: number } | null;
	log: LoggedUpdate[];
	history: LoggedUpdate[];
	checkpoints: Checkpoint[];
}

function sizeOf(entry: Entry): StoredSize {
	const logBytes = entry.log.reduce((sum, update) => sum + update.body.length, 0);
	return { logUpdates: entry.log.length, logBytes, totalBytes: logBytes + (entry.snapshot?.body.length ?? 0) };
}

export interface MemoryStoreOptions {
	/** Days of history compaction keeps; 0 keeps none. Default 30. */
	historyDays?: number;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): RoomStore {
	const historyDays = options.historyDays ?? 30;
	const groups = new Map<string, Entry>();
	let nextSeq = 1;

	/** The same steps as the SQLite worker's keepHistory, planPrune and applyPrune. */
	function keepHistory(entry: Entry): void {
		if (historyDays <= 0) {
			entry.history = [];
			entry.checkpoints = [];
			return;
		}
		if (entry.checkpoints.length === 0) {
			const previous = entry.snapshot;
			entry.checkpoints.push(
				previous
					? { at: previous.at, throughSeq: previous.throughSeq, body: previous.body }
					: { at: entry.log[0]?.author?.at ?? Date.now(), throughSeq: 0, body: Y.encodeStateAsUpdate(new Y.Doc()) }
			);
		}
		const through = foldThrough(
			entry.history.map((update) => ({ seq: update.seq, at: update.author?.at ?? null })),
			historyDays,
			Date.now()
		);
		entry.history.push(...entry.log);
		if (through === null) return;
		const folded = entry.history.filter((update) => update.seq <= through);
		const body = foldUpdates(entry.checkpoints[0].body, folded.map((update) => update.body));
		entry.checkpoints = [{ at: folded.at(-1)?.author?.at ?? entry.checkpoints[0].at, throughSeq: through, body }];
		entry.history = entry.history.filter((update) => update.seq > through);
	}

	return {
		async load(groupId) {
			const entry = groups.get(groupId);
			if (!entry) return null;
			return { updates: [...(entry.snapshot ? [entry.snapshot.body] : []), ...entry.log.map((update) => update.body)], size: sizeOf(entry) };
		},
		async append(groupId, update, author) {
			let entry = groups.get(groupId);
			if (!entry) groups.set(groupId, (entry = { snapshot: null, log: [], history: [], checkpoints: [] }));
			entry.log.push({ seq: nextSeq++, body: Uint8Array.from(update), author: author ? { ...author } : null });
			return sizeOf(entry);
		},
		async compact(groupId) {
			const entry = groups.get(groupId);
			if (!entry) return { logUpdates: 0, logBytes: 0, totalBytes: 0 };
			if (entry.log.length === 0) return sizeOf(entry);
			const body = foldUpdates(entry.snapshot?.body, entry.log.map((update) => update.body));
			const through = entry.log[entry.log.length - 1].seq;
			keepHistory(entry);
			entry.snapshot = { body, throughSeq: through, at: Date.now() };
			entry.log = [];
			return sizeOf(entry);
		},
		async loadHistory(groupId, since) {
			const entry = groups.get(groupId);
			if (!entry) return null;
			const checkpoint = entry.checkpoints[0];
			const base = checkpoint ?? entry.snapshot;
			const from = base?.throughSeq ?? 0;
			const baseAt = base?.at ?? null;
			const kept = [...entry.history, ...entry.log].filter((update) => update.seq > from);
			if (since && since.baseThrough === from && since.baseAt === baseAt && since.after >= from) {
				const updates = kept.filter((update) => update.seq > since.after);
				return packHistory({ base: null, baseAt, updates }, { baseThrough: from, after: since.after, countThrough: kept.length - updates.length });
			}
			return packHistory({ base: base?.body ?? null, baseAt, updates: kept }, { baseThrough: from, after: null, countThrough: 0 });
		},
		async listGroups() {
			return [...groups.keys()].sort();
		},
		async remove(groupId) {
			groups.delete(groupId);
		},
		async close() {
			groups.clear();
		}
	};
}
