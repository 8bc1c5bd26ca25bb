// The SQLite store's writer thread: started with a small young generation, it still stores
// changes far larger than that (their bytes live outside the heap).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createSqliteStore, openDatabase } from './sqlite.ts';
import { startWriterThread, WRITER_YOUNG_GENERATION_MB, type StoreWorkerData } from './store-thread.ts';

describe('the SQLite store\'s writer thread', () => {
	it('runs with a small young generation', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'commonplace-writer-'));
		const db = openDatabase(dir);
		createSqliteStore(db);
		const data: StoreWorkerData = { file: db.name, synchronous: 'FULL', maxPageCount: 1_073_741_823, compactionPauseMs: 0, historyDays: 30 };
		const worker = startWriterThread(data);
		try {
			await once(worker, 'online');
			expect(worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(WRITER_YOUNG_GENERATION_MB);
		} finally {
			await worker.terminate();
			db.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('stores a change many times larger than its young generation', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'commonplace-writer-'));
		const db = openDatabase(dir);
		const store = createSqliteStore(db);
		try {
			const doc = new Y.Doc();
			let update: Uint8Array = new Uint8Array();
			doc.on('update', (u: Uint8Array) => (update = u));
			doc.getText('t').insert(0, 'x'.repeat(8 * WRITER_YOUNG_GENERATION_MB * 1_048_576));
			const size = await store.append('g1', update);
			expect(size.logBytes).toBe(update.length);
			const loaded = await store.load('g1');
			expect(Buffer.from(loaded!.updates[0]).equals(Buffer.from(update))).toBe(true);
		} finally {
			await store.close();
			db.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
