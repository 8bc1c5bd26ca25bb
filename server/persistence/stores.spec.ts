// Runs the RoomStore contract against the SQLite store (on a real file), the in-memory twin, and the
// cluster's store on the real PostgreSQL and Redis (each run in a schema and key prefix of its own).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { clusterSettings, freshClusterName, removeCluster } from '../../tests/helpers/cluster.ts';
import { openClusterStore } from '../cluster/index.ts';
import { resolveConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { createMemoryStore } from './memory.ts';
import { createSqliteStore, openDatabase } from './sqlite.ts';
import { runRoomStoreContract } from './store-contract.ts';
import type { RoomStore } from './types.ts';

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

/** A RoomStore whose calls wait for it to open (the cluster's store connects first). */
function whenOpen(opening: Promise<{ store: RoomStore }>): RoomStore {
	const store = async () => (await opening).store;
	return {
		load: async (groupId) => (await store()).load(groupId),
		append: async (groupId, update, author) => (await store()).append(groupId, update, author),
		compact: async (groupId) => (await store()).compact(groupId),
		loadHistory: async (groupId) => (await store()).loadHistory(groupId),
		listGroups: async () => (await store()).listGroups(),
		remove: async (groupId) => (await store()).remove(groupId),
		async close() {}
	};
}

runRoomStoreContract('cluster: PostgreSQL and Redis', () => {
	const clusterName = freshClusterName();
	const config = resolveConfig({ ...clusterSettings(clusterName), logLevel: 'silent' });
	const opened: ReturnType<typeof openClusterStore>[] = [];
	const open = () => {
		const parts = openClusterStore(config, createLogger('silent'));
		opened.push(parts);
		return whenOpen(parts);
	};
	return {
		store: open(),
		reopen: open,
		async dispose() {
			for (const parts of await Promise.all(opened)) {
				parts.commands.disconnect();
				await parts.pool.end();
			}
			await removeCluster(clusterName);
		}
	};
});
