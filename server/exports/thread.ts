// Starts the export thread (export-worker.ts) on the first export and asks it for export files,
// from what the store holds of the group: what every member has been sent, nothing still on its way
// to the disk.
import type { ExportFormat } from '../../src/lib/interchange/export/formats.ts';
import { StoreThread, startModuleWorker } from '../persistence/store-thread.ts';
import type { RoomStore } from '../persistence/types.ts';

export type ExportRequest = { op: 'export'; id: number; updates: Uint8Array[]; format: ExportFormat };

/** An export file as the thread hands it over: its body UTF-8 encoded. */
export type ExportFile = { ok: true; body: Uint8Array; contentType: string; filename: string } | { ok: false; status: number; error: string };

export class ExportThread {
	readonly #thread = new StoreThread<null, ExportRequest>(
		() => null,
		undefined,
		(data) => startModuleWorker(import.meta.url, 'export-worker', data)
	);

	/** The group's export file; null when nothing of the group is stored (or it holds no group). */
	async export(store: RoomStore, groupId: string, format: ExportFormat): Promise<ExportFile | null> {
		const stored = await store.load(groupId);
		if (!stored) return null;
		// Copied, not transferred: a store may keep the arrays it gives (a memcpy, milliseconds for a big group).
		return this.#thread.call<ExportFile | null>({ op: 'export', updates: stored.updates, format });
	}

	close(): Promise<void> {
		return this.#thread.close();
	}
}
