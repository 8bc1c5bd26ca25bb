// The two token stores access control runs on, for specs that run against both: the relay's SQLite
// file, and the cluster's PostgreSQL schema (a fresh one per test, dropped afterwards).
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { TokenStoreApi } from '../../server/auth/store.ts';
import { dropSchema, migrate } from '../../server/cluster/schema.ts';
import { SyncSql } from '../../server/cluster/sync-sql.ts';
import { PostgresTokenStore } from '../../server/cluster/token-store.ts';
import { freshClusterName, testDatabaseUrl } from './cluster.ts';

export type TokenBackendName = 'sqlite' | 'postgres';
export const tokenBackendNames: TokenBackendName[] = ['sqlite', 'postgres'];

export interface TokenBackend {
	/** What GroupAccess opens: the SQLite database, or a PostgreSQL token store. */
	source(): Database.Database | TokenStoreApi;
	/** The same storage opened as another process would; close it after use. */
	another(): { source: Database.Database | TokenStoreApi; close(): void };
	/** Every byte stored (the database file, or every auth row as text), to look for secrets in. */
	storedText(): string;
}

/** Registers the hooks that give each test a fresh, empty store of the given kind. */
export function useTokenBackend(name: TokenBackendName): TokenBackend {
	let dir = '';
	let db: Database.Database | null = null;
	let schema = '';
	const connections: SyncSql[] = [];
	let store: PostgresTokenStore | null = null;
	const connect = () => {
		const sql = new SyncSql(testDatabaseUrl, schema);
		connections.push(sql);
		return sql;
	};

	// PostgreSQL: one schema for the file, emptied before each test (a new one per test is slow).
	let admin: SyncSql | null = null;
	beforeAll(async () => {
		if (name !== 'postgres') return;
		schema = freshClusterName();
		await migrate(testDatabaseUrl, schema);
		admin = new SyncSql(testDatabaseUrl, schema);
	});
	afterAll(async () => {
		if (name !== 'postgres') return;
		admin?.close();
		await dropSchema(testDatabaseUrl, schema);
	});
	beforeEach(() => {
		if (name === 'sqlite') {
			dir = mkdtempSync(join(tmpdir(), 'commonplace-auth-'));
			db = new Database(join(dir, 'relay.sqlite'));
		} else {
			admin!.query('TRUNCATE auth_groups, auth_tokens, auth_revocations, auth_deleted_groups RESTART IDENTITY');
			store = new PostgresTokenStore(admin!);
		}
	});
	afterEach(() => {
		if (name === 'sqlite') {
			db?.close();
			rmSync(dir, { recursive: true, force: true });
		} else {
			for (const sql of connections.splice(0)) sql.close();
		}
	});

	return {
		source: () => (name === 'sqlite' ? db! : store!),
		another() {
			if (name === 'sqlite') {
				const other = new Database(join(dir, 'relay.sqlite'));
				return { source: other, close: () => other.close() };
			}
			const sql = connect();
			return { source: new PostgresTokenStore(sql), close: () => {} };
		},
		storedText() {
			if (name === 'sqlite') {
				db!.pragma('wal_checkpoint(TRUNCATE)');
				return readFileSync(join(dir, 'relay.sqlite')).toString('latin1');
			}
			const sql = connect();
			const tables = ['auth_secret', 'auth_groups', 'auth_tokens', 'auth_revocations', 'auth_deleted_groups'];
			return tables.map((table) => sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`).rows.map((r) => r.row).join('\n')).join('\n');
		}
	};
}
