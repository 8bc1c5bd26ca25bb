// Runs the RoomStore contract against the SQLite store (on a real file) and the in-memory twin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { createMemoryStore } from './memory.ts';
import { createSqliteStore, openDatabase } from './sqlite.ts';
import { runRoomStoreContract } from './store-contract.ts';

runRoomStoreContract('sqlite', () => {
	const dir = mkdtempSync(join(tmpdir(), 'commonplace-store-'));
	const opened: Database.Database[] = [openDatabase(dir)];
	const stores = [createSqliteStore(opened[0])];
	return {
		store: stores[0],
		reopen() {
			const db = openDatabase(dir);
			opened.push(db);
			stores.push(createSqliteStore(db));
			return stores[stores.length - 1];
		},
		async dispose() {
			await Promise.all(stores.map((store) => store.close()));
			for (const db of opened) db.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
});

runRoomStoreContract('memory', () => {
	const store = createMemoryStore();
	return { store, reopen: () => store, dispose: () => store.close() };
});
