// Starts the history thread (history-worker.ts) and asks it for timelines and versions.
import type { PackedHistory } from '../../src/lib/history/packed.ts';
import type { TimelinePage, TimelineQuery } from '../../src/lib/history/timeline.ts';
import type { ItemVersion } from '../../src/lib/model/version.ts';
import { StoreThread, startModuleWorker } from '../persistence/store-thread.ts';

export type HistoryRequest =
	| { op: 'timeline'; id: number; input: PackedHistory; query: TimelineQuery }
	| { op: 'version'; id: number; input: PackedHistory; itemId: string; seq: number };

export class HistoryThread {
	readonly #thread = new StoreThread<null, HistoryRequest>(() => null, undefined, (data) => startModuleWorker(import.meta.url, 'history-worker', data));

	// The packed history is copied to the thread buffer by buffer (a memcpy, no per-update work),
	// so the caller keeps its own.
	timeline(input: PackedHistory, query: TimelineQuery): Promise<TimelinePage> {
		return this.#thread.call({ op: 'timeline', input, query });
	}

	version(input: PackedHistory, itemId: string, seq: number): Promise<ItemVersion | null> {
		return this.#thread.call({ op: 'version', input, itemId, seq });
	}

	close(): Promise<void> {
		return this.#thread.close();
	}
}
