// Starts the history thread (history-worker.ts) and asks it for timelines and versions.
import { packHistory, packedBuffers, type PackedHistory } from '../../src/lib/history/packed.ts';
import type { HistoryInput } from '../../src/lib/history/replay.ts';
import type { TimelinePage, TimelineQuery } from '../../src/lib/history/timeline.ts';
import type { ItemVersion } from '../../src/lib/model/version.ts';
import { StoreThread, startModuleWorker } from '../persistence/store-thread.ts';

export type HistoryRequest =
	| { op: 'timeline'; id: number; input: PackedHistory; query: TimelineQuery }
	| { op: 'version'; id: number; input: PackedHistory; itemId: string; seq: number };

export class HistoryThread {
	readonly #thread = new StoreThread<null, HistoryRequest>(() => null, undefined, (data) => startModuleWorker(import.meta.url, 'history-worker', data));

	timeline(history: HistoryInput, query: TimelineQuery): Promise<TimelinePage> {
		const input = packHistory(history);
		return this.#thread.call({ op: 'timeline', input, query }, packedBuffers(input));
	}

	version(history: HistoryInput, itemId: string, seq: number): Promise<ItemVersion | null> {
		const input = packHistory(history);
		return this.#thread.call({ op: 'version', input, itemId, seq }, packedBuffers(input));
	}

	close(): Promise<void> {
		return this.#thread.close();
	}
}
