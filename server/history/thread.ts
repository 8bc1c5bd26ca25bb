// Starts the history thread (history-worker.ts) and asks it for timelines and versions. It keeps
// the replays of the last few groups read; `timeline` asks the store for only what came since.
import { packedBuffers, type PackedHistory } from '../../src/lib/history/packed.ts';
import type { ReplayMark } from '../../src/lib/history/cache.ts';
import type { TimelinePage, TimelineQuery } from '../../src/lib/history/timeline.ts';
import type { ItemVersion } from '../../src/lib/model/version.ts';
import { StoreThread, startModuleWorker } from '../persistence/store-thread.ts';
import type { RoomStore } from '../persistence/types.ts';

/** Groups whose replays the history thread keeps by default (each holds the group's document). */
export const CACHED_GROUPS = 4;

export interface HistoryWorkerData {
	cachedGroups: number;
}

export type HistoryRequest =
	| { op: 'timeline'; id: number; groupId: string; input: PackedHistory; query: TimelineQuery }
	| { op: 'version'; id: number; input: PackedHistory; itemId: string; seq: number }
	| { op: 'forget'; id: number; groupId: string }
	| { op: 'cached'; id: number };

export class HistoryThread {
	readonly #thread: StoreThread<HistoryWorkerData, HistoryRequest>;
	/** Where the thread's kept replays stand, as it last said: what to ask the store for. */
	readonly #marks = new Map<string, ReplayMark>();
	#started = false;

	constructor(readonly cachedGroups = CACHED_GROUPS) {
		this.#thread = new StoreThread<HistoryWorkerData, HistoryRequest>(() => ({ cachedGroups }), undefined, (data) => startModuleWorker(import.meta.url, 'history-worker', data));
	}

	/**
	 * A page of the group's timeline: the store is asked only for the updates after the thread's
	 * replay when it keeps one, for the whole history when it does not (or the store's history no
	 * longer follows it). Null when nothing is stored of the group.
	 */
	async timeline(store: RoomStore, groupId: string, query: TimelineQuery): Promise<TimelinePage | null> {
		for (let attempt = 0; ; attempt++) {
			const mark = attempt === 0 ? this.#marks.get(groupId) : undefined;
			this.#marks.delete(groupId);
			const input = await store.loadHistory(groupId, mark);
			if (!input) {
				await this.forget(groupId);
				return null;
			}
			// Transferred, not copied: the pack is this request's alone.
			this.#started = true;
			const answer = await this.#thread.call<{ page: TimelinePage; mark: ReplayMark } | null>({ op: 'timeline', groupId, input, query }, packedBuffers(input));
			if (answer) {
				this.#marks.set(groupId, answer.mark);
				while (this.#marks.size > this.cachedGroups) this.#marks.delete(this.#marks.keys().next().value!);
				return answer.page;
			}
			if (attempt > 0) throw new Error('The history thread refused a whole history.');
		}
	}

	version(input: PackedHistory, itemId: string, seq: number): Promise<ItemVersion | null> {
		this.#started = true;
		return this.#thread.call({ op: 'version', input, itemId, seq }, packedBuffers(input));
	}

	/** Drops what the thread keeps of a group (it was deleted). */
	async forget(groupId: string): Promise<void> {
		this.#marks.delete(groupId);
		if (this.#started) await this.#thread.call({ op: 'forget', groupId });
	}

	/** How many groups' replays the thread keeps now. */
	cached(): Promise<number> {
		return this.#thread.call({ op: 'cached' });
	}

	close(): Promise<void> {
		this.#started = false;
		this.#marks.clear();
		return this.#thread.close();
	}
}
