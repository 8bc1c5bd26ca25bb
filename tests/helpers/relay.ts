// A real relay for tests: in-process on port 0 (`startTestRelay`), or as a child process that can be
// killed with SIGKILL (`spawnRelay`), each with a temporary DATA_DIR removed when it stops.
// With RELAY_MODE=cluster, every relay is a cluster member on the real PostgreSQL and Redis instead:
// each DATA_DIR stands for a cluster of its own (schema and key prefix), so a relay restarted on the
// same DATA_DIR finds its groups, and the cluster is removed with the DATA_DIR (or after the file).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { commandLineFor, environmentFor, type RelayConfig } from '../../server/config.ts';
import { openPool } from '../../server/cluster/schema.ts';
import { DATABASE_FILE } from '../../server/persistence/sqlite.ts';
import { clusterSettings, dropDatabaseOf, freshClusterName, removeCluster, restoreDump, testDatabaseUrl } from './cluster.ts';
import { startRelay, type Relay } from '../../server/relay.ts';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

const projectRoot = resolve(import.meta.dirname, '../..');

export interface TestRelay {
	/** http://127.0.0.1:P */
	url: string;
	/** ws://127.0.0.1:P/sync — what a WebsocketProvider takes as its server URL. */
	wsUrl: string;
	port: number;
	dataDir: string;
	relay: Relay;
	stop(): Promise<void>;
}

function tempDataDir(): string {
	return mkdtempSync(join(tmpdir(), 'commonplace-relay-'));
}

/** Which relay the tests get: the single SQLite relay (default) or a cluster member. */
export const relayMode: 'single' | 'cluster' = process.env.RELAY_MODE === 'cluster' ? 'cluster' : 'single';

/** A test cluster: its name, and its database (the test database, or one a backup was restored into). */
interface TestCluster {
	name: string;
	databaseUrl: string;
}

const clusters = new Map<string, TestCluster>();

async function removeTestCluster(cluster: TestCluster): Promise<void> {
	if (cluster.databaseUrl === testDatabaseUrl) await removeCluster(cluster.name);
	else await dropDatabaseOf(cluster.databaseUrl, cluster.name);
}

if (relayMode === 'cluster') {
	afterAll(async () => {
		for (const cluster of clusters.values()) await removeTestCluster(cluster);
		clusters.clear();
	});
}

/** In cluster mode, the settings of the cluster that stands for `dataDir`; nothing in single mode. */
function modeSettings(dataDir: string, overrides: Partial<RelayConfig>): Partial<RelayConfig> {
	if (relayMode !== 'cluster' || overrides.databaseUrl !== undefined) return {};
	let cluster = clusters.get(dataDir);
	if (!cluster) clusters.set(dataDir, (cluster = { name: freshClusterName(), databaseUrl: testDatabaseUrl }));
	return { ...clusterSettings(cluster.name), databaseUrl: cluster.databaseUrl };
}

/**
 * The environment that points another process (`npm run admin`) at the same storage as a relay on
 * `dataDir`: in cluster mode its cluster's services and name (made now if no relay ran there yet).
 */
export function modeEnvironment(dataDir: string): Record<string, string> {
	const settings = modeSettings(dataDir, {});
	if (!settings.clusterName) return {};
	return { ...environmentFor(settings), CLUSTER_NAME: settings.clusterName };
}

/** Removes the cluster that stood for `dataDir`, once the DATA_DIR itself is removed. */
async function forgetDataDir(dataDir: string): Promise<void> {
	rmSync(dataDir, { recursive: true, force: true });
	const cluster = clusters.get(dataDir);
	if (!cluster) return;
	clusters.delete(dataDir);
	await removeTestCluster(cluster);
}

/** Starts a relay in this process on a free port; `stop()` closes it and removes its DATA_DIR (unless given). */
export async function startTestRelay(overrides: Partial<RelayConfig> = {}): Promise<TestRelay> {
	const ownDataDir = overrides.dataDir === undefined;
	const dataDir = overrides.dataDir ?? tempDataDir();
	let relay: Relay;
	try {
		relay = await startRelay({ host: '127.0.0.1', port: 0, logLevel: 'warn', build: false, ...modeSettings(dataDir, overrides), ...overrides, dataDir });
	} catch (error) {
		if (ownDataDir) await forgetDataDir(dataDir);
		throw error;
	}
	return {
		url: relay.url,
		wsUrl: `ws://127.0.0.1:${relay.port}/sync`,
		port: relay.port,
		dataDir,
		relay,
		async stop() {
			await relay.close();
			if (ownDataDir) await forgetDataDir(dataDir);
		}
	};
}

export interface SpawnedRelay {
	url: string;
	wsUrl: string;
	port: number;
	dataDir: string;
	child: ChildProcess;
	/** Every JSON log line the relay printed so far. */
	logs: Record<string, unknown>[];
	/** What the relay wrote to stderr so far (human messages, such as the --demo link). */
	stderr(): string;
	/** Resolves with the first log line (already printed or still to come) that `match` accepts. */
	waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
	/** Sends a signal and resolves with the exit code (null when killed by the signal). */
	kill(signal?: NodeJS.Signals): Promise<number | null>;
	/** SIGTERM, then removes the DATA_DIR when this helper made it. */
	stop(): Promise<void>;
}

/**
 * Runs the relay as `npm start` does (`node scripts/start.mjs`: the compiled bundle, built first when
 * stale), as a child process whose signals reach the relay itself. Pass `dataDir` to restart on the same data; `port` to keep the address across restarts.
 */
export async function spawnRelay(overrides: Partial<RelayConfig> = {}, extraEnv: Record<string, string> = {}): Promise<SpawnedRelay> {
	const ownDataDir = overrides.dataDir === undefined;
	const dataDir = overrides.dataDir ?? tempDataDir();
	const settings = { ...modeSettings(dataDir, overrides), ...overrides };
	const argv = commandLineFor({ host: '127.0.0.1', port: 0, logLevel: 'info', build: false, ...settings, dataDir });
	const child = spawn(process.execPath, ['scripts/start.mjs', ...argv], {
		cwd: projectRoot,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, NODE_ENV: 'test', ...environmentFor(settings), ...extraEnv }
	});
	const logs: Record<string, unknown>[] = [];
	const waiters = new Set<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }>();
	let stderr = '';
	let pending = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		pending += chunk;
		let newline: number;
		while ((newline = pending.indexOf('\n')) >= 0) {
			const text = pending.slice(0, newline);
			pending = pending.slice(newline + 1);
			let line: Record<string, unknown>;
			try {
				line = JSON.parse(text) as Record<string, unknown>;
			} catch {
				continue;
			}
			logs.push(line);
			for (const waiter of [...waiters]) {
				if (waiter.match(line)) {
					waiters.delete(waiter);
					waiter.resolve(line);
				}
			}
		}
	});
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

	const waitForLog = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) => {
		const seen = logs.find(match);
		if (seen) return Promise.resolve(seen);
		return new Promise<Record<string, unknown>>((resolveLine, reject) => {
			const waiter = { match, resolve: resolveLine };
			waiters.add(waiter);
			const timer = setTimeout(() => {
				waiters.delete(waiter);
				reject(new Error(`The relay did not log the expected line within ${timeoutMs} ms. stderr: ${stderr.slice(-2_000)}`));
			}, timeoutMs);
			void exited.then((code) => {
				if (!waiters.has(waiter)) return;
				waiters.delete(waiter);
				clearTimeout(timer);
				reject(new Error(`The relay exited (${code}) before logging the expected line. stderr: ${stderr.slice(-2_000)}`));
			});
			const original = waiter.resolve;
			waiter.resolve = (line) => {
				clearTimeout(timer);
				original(line);
			};
		});
	};

	let listening: Record<string, unknown>;
	try {
		listening = await waitForLog((line) => line.msg === 'listening');
	} catch (error) {
		child.kill('SIGKILL');
		if (ownDataDir) await forgetDataDir(dataDir);
		throw error;
	}
	const port = Number(listening.port);
	const kill = (signal: NodeJS.Signals = 'SIGKILL') => {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		return exited;
	};
	return {
		url: `http://127.0.0.1:${port}`,
		wsUrl: `ws://127.0.0.1:${port}/sync`,
		port,
		dataDir,
		child,
		logs,
		stderr: () => stderr,
		waitForLog,
		kill,
		async stop() {
			await kill('SIGTERM');
			if (ownDataDir) await forgetDataDir(dataDir);
		}
	};
}

/** A member's client: a stock y-websocket provider (with `ws` as its WebSocket) on its own doc. */
export interface TestMember {
	doc: Y.Doc;
	provider: WebsocketProvider;
	destroy(): void;
}

/**
 * Connects a stock `WebsocketProvider` to a test relay. The first member of a group passes
 * `create: true`; the others the same token. BroadcastChannel is off so every byte goes through the relay.
 */
export function connectMember(wsUrl: string, groupId: string, options: { token: string; create?: boolean; doc?: Y.Doc; connect?: boolean }): TestMember {
	const doc = options.doc ?? new Y.Doc({ guid: groupId });
	const provider = new WebsocketProvider(wsUrl, groupId, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		params: options.create ? { token: options.token, create: '1' } : { token: options.token },
		disableBc: true,
		connect: options.connect ?? true,
		maxBackoffTime: 200
	});
	return {
		doc,
		provider,
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** A fresh token of the shape the app makes (128 random bits, base64url). */
export function newToken(): string {
	return randomBytes(18).toString('base64url');
}

/** Polls `check` until it stops throwing (or returns true), or fails with its last error. */
export async function eventually(check: () => unknown | Promise<unknown>, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const result = await check();
			if (result !== false) return;
			if (Date.now() > deadline) throw new Error('The condition did not become true in time.');
		} catch (error) {
			if (Date.now() > deadline) throw error;
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** What the relay that ran on `dataDir` stored of a group: its snapshot and logged updates, in order. */
export function storedGroupRows(dataDir: string, groupId: string): Promise<{ snapshots: Buffer[]; updates: { seq: number; body: Buffer }[] }> {
	return withStorage(
		dataDir,
		(db) => ({
			snapshots: (db.prepare('SELECT body FROM group_snapshots WHERE group_id = ?').all(groupId) as { body: Buffer }[]).map((r) => r.body),
			updates: db.prepare('SELECT seq, body FROM group_updates WHERE group_id = ? ORDER BY seq').all(groupId) as { seq: number; body: Buffer }[]
		}),
		async (pool) => ({
			snapshots: (await pool.query<{ body: Buffer }>('SELECT body FROM group_snapshots WHERE group_id = $1', [groupId])).rows.map((r) => r.body),
			updates: (await pool.query<{ seq: number; body: Buffer }>('SELECT seq, body FROM group_updates WHERE group_id = $1 ORDER BY seq', [groupId])).rows
		})
	);
}

/** Runs `fn` on the SQL storage of the relay on `dataDir`: its cluster's schema, or its SQLite file (read-only). */
async function withStorage<T>(dataDir: string, sqlite: (db: Database.Database) => T, postgres: (pool: ReturnType<typeof openPool>) => Promise<T>): Promise<T> {
	const cluster = clusters.get(dataDir);
	if (cluster) {
		const pool = openPool(cluster.databaseUrl, cluster.name, 1);
		try {
			return await postgres(pool);
		} finally {
			await pool.end();
		}
	}
	const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
	try {
		return sqlite(db);
	} finally {
		db.close();
	}
}

/** How many rows of the group each of `tables` holds in the storage of the relay on `dataDir`. */
export async function storedRowCounts<T extends string>(dataDir: string, groupId: string, tables: readonly T[]): Promise<Record<T, number>> {
	const counts = {} as Record<T, number>;
	await withStorage(
		dataDir,
		(db) => {
			for (const table of tables) counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE group_id = ?`).get(groupId) as { n: number }).n;
		},
		async (pool) => {
			for (const table of tables) counts[table] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE group_id = $1`, [groupId])).rows[0].n;
		}
	);
	return counts;
}

/** The relay's secret (the key feed tokens are derived from) as stored for the relay on `dataDir`. */
export function storedRelaySecret(dataDir: string): Promise<Buffer> {
	return withStorage(
		dataDir,
		(db) => (db.prepare('SELECT secret FROM auth_secret').get() as { secret: Buffer }).secret,
		async (pool) => (await pool.query<{ secret: Buffer }>('SELECT secret FROM auth_secret')).rows[0].secret
	);
}

/**
 * Holds the group update log of the relay on `dataDir` the way another writer would, so the relay
 * cannot commit an update until `release()`: a SQLite write transaction, or in cluster mode a
 * PostgreSQL lock on the log table (reads go on, inserts wait). Releasing twice is harmless.
 */
export async function holdStoreWrites(dataDir: string): Promise<{ release(): Promise<void> }> {
	let release: () => Promise<void>;
	const cluster = clusters.get(dataDir);
	if (cluster) {
		const pool = openPool(cluster.databaseUrl, cluster.name, 1);
		const client = await pool.connect();
		await client.query('BEGIN');
		await client.query('LOCK TABLE group_updates IN EXCLUSIVE MODE');
		release = async () => {
			await client.query('COMMIT');
			client.release();
			await pool.end();
		};
	} else {
		const writer = new Database(join(dataDir, DATABASE_FILE));
		writer.exec('BEGIN IMMEDIATE');
		release = async () => {
			writer.exec('COMMIT');
			writer.close();
		};
	}
	let released: Promise<void> | null = null;
	return { release: () => (released ??= release()) };
}

/**
 * Restores a backup made by `npm run admin -- backup` into storage of its own, as an operator would,
 * and returns the DATA_DIR a test relay starts on: the SQLite file in a new folder, or in cluster mode
 * the dump restored with pg_restore into a new database (its schema then renamed to a fresh cluster
 * name, so it shares no Redis keys with the cluster it came from). `remove()` deletes it all.
 */
export async function restoreBackup(file: string): Promise<{ dataDir: string; remove(): Promise<void> }> {
	const dataDir = tempDataDir();
	const remove = () => forgetDataDir(dataDir);
	if (relayMode === 'cluster') {
		const cluster = { name: freshClusterName(), databaseUrl: '' };
		cluster.databaseUrl = await restoreDump(file, cluster.name);
		clusters.set(dataDir, cluster);
	} else {
		copyFileSync(file, join(dataDir, DATABASE_FILE));
	}
	return { dataDir, remove };
}

/** Everything the relay that ran on `dataDir` stored, as text to search: its files, or its cluster's rows. */
export async function storedText(dataDir: string): Promise<string[]> {
	const cluster = clusters.get(dataDir);
	if (!cluster) return readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name)).toString('latin1'));
	const pool = openPool(cluster.databaseUrl, cluster.name, 1);
	try {
		const tables = (await pool.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1', [cluster.name])).rows;
		const texts: string[] = [];
		for (const { name } of tables) {
			const rows = await pool.query<Record<string, unknown>>(`SELECT * FROM "${name}"`);
			// Bytes as bytes (an update's text is in it as it is in a SQLite file), everything else as text.
			texts.push(rows.rows.map((row) => Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))).join('|')).join('\n'));
		}
		return texts;
	} finally {
		await pool.end();
	}
}

/**
 * Runs statements (with `$1`, `$2` … in order) on what the relay that ran on `dataDir` stored: its
 * SQLite file, or its cluster's PostgreSQL.
 */
export async function runStoredSql(dataDir: string, statements: { sql: string; params: (string | number)[] }[]): Promise<void> {
	const cluster = clusters.get(dataDir);
	if (cluster) {
		const pool = openPool(cluster.databaseUrl, cluster.name, 1);
		try {
			for (const { sql, params } of statements) await pool.query(sql, params);
		} finally {
			await pool.end();
		}
		return;
	}
	const db = new Database(join(dataDir, DATABASE_FILE));
	try {
		for (const { sql, params } of statements) db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
	} finally {
		db.close();
	}
}
