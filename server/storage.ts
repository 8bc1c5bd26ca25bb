// The relay's storage opened by a command other than a running relay (`npm run admin`, `npm start --
// --demo` before it listens): the single relay's SQLite database, or, with REDIS_URL and
// DATABASE_URL set, the cluster's PostgreSQL schema (and its Redis, where stored updates are streamed).
import type { Database } from 'better-sqlite3';
import type { TokenStoreApi } from './auth/store.ts';
import type { PostgresTokenStore } from './cluster/token-store.ts';
import { isClusterMember, type RelayConfig } from './config.ts';
import { createLogger } from './log.ts';
import { createSqliteStore, openDatabase } from './persistence/sqlite.ts';
import type { RoomStore } from './persistence/types.ts';

export interface RelayStorage {
	/** What `GroupAccess` opens: the SQLite database, or the cluster's token store. */
	tokens: Database | TokenStoreApi;
	/** Groups' snapshots and update logs. */
	store: RoomStore;
	/** Set for a cluster: its PostgreSQL and its name (the schema). */
	cluster: { databaseUrl: string; name: string } | null;
	close(): Promise<void>;
}

export async function openRelayStorage(config: RelayConfig): Promise<RelayStorage> {
	if (!isClusterMember(config)) {
		const db = openDatabase(config.dataDir, config.sqliteSynchronous);
		const store = createSqliteStore(db);
		return {
			tokens: db,
			store,
			cluster: null,
			async close() {
				await store.close();
				db.close();
			}
		};
	}
	// The cluster's drivers load only here: a single relay never holds them (ioredis and pg, about 15 MiB).
	const [{ openClusterStore }, { SyncSql }, { PostgresTokenStore }] = await Promise.all([
		import('./cluster/index.ts'),
		import('./cluster/sync-sql.ts'),
		import('./cluster/token-store.ts')
	]);
	// Compaction runs in the relay processes and the worker, never here: nothing of it is logged.
	const { pool, commands, store } = await openClusterStore(config, createLogger('silent'));
	const sql = new SyncSql(config.databaseUrl!, config.clusterName);
	let tokens: PostgresTokenStore;
	try {
		tokens = new PostgresTokenStore(sql);
	} catch (error) {
		sql.close();
		commands.disconnect();
		await pool.end();
		throw error;
	}
	return {
		tokens,
		store,
		cluster: { databaseUrl: config.databaseUrl!, name: config.clusterName },
		async close() {
			await store.close();
			commands.disconnect();
			sql.close();
			await pool.end();
		}
	};
}
