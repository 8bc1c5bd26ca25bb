// The default RoomStore: one SQLite database (WAL) holding each group's snapshot and an append-only
// log of the updates accepted since. Updates are written in the tick they arrive, those of one tick
// in one transaction (group commit), and each promise resolves only once its row is committed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import type { SqliteSynchronous } from '../config.ts';
import type { RoomStore, StoredSize } from './types.ts';

export const DATABASE_FILE = 'commonplace.sqlite';

/** Opens (creating when needed) the relay's database in `dataDir`; shared by storage and access control. */
export function openDatabase(dataDir: string, synchronous: SqliteSynchronous = 'full'): Database.Database {
	mkdirSync(dataDir, { recursive: true });
	const db = new Database(join(dataDir, DATABASE_FILE));
	db.pragma('journal_mode = WAL');
	db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
	db.pragma('busy_timeout = 5000');
	db.pragma('foreign_keys = ON');
	return db;
}

export interface SqliteStoreOptions {
	/** Testing only: hold each compaction open inside its transaction, so a kill can land there. */
	compactionPauseMs?: number;
	/** Called inside the compaction transaction, before anything is written. */
	onCompactionStart?: (groupId: string) => void;
}

interface PendingAppend {
	groupId: string;
	update: Uint8Array;
	resolve(size: StoredSize): void;
	reject(error: unknown): void;
}

interface LogRow {
	seq: number;
	body: Buffer;
}

function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function createSqliteStore(db: Database.Database, options: SqliteStoreOptions = {}): RoomStore {
	db.exec(`
		CREATE TABLE IF NOT EXISTS group_snapshots (
			group_id TEXT PRIMARY KEY,
			body BLOB NOT NULL,
			through_seq INTEGER NOT NULL,
			updated_at INTEGER NOT NULL
		);
		CREATE TABLE IF NOT EXISTS group_updates (
			seq INTEGER PRIMARY KEY AUTOINCREMENT,
			group_id TEXT NOT NULL,
			body BLOB NOT NULL
		);
		CREATE INDEX IF NOT EXISTS group_updates_by_group ON group_updates (group_id, seq);
	`);
	const selectSnapshot = db.prepare<[string], { body: Buffer }>('SELECT body FROM group_snapshots WHERE group_id = ?');
	const selectSnapshotSize = db.prepare<[string], { bytes: number }>('SELECT length(body) AS bytes FROM group_snapshots WHERE group_id = ?');
	const selectLog = db.prepare<[string], LogRow>('SELECT seq, body FROM group_updates WHERE group_id = ? ORDER BY seq');
	const selectLogSize = db.prepare<[string], { updates: number; bytes: number | null }>(
		'SELECT count(*) AS updates, sum(length(body)) AS bytes FROM group_updates WHERE group_id = ?'
	);
	const insertUpdate = db.prepare<[string, Uint8Array]>('INSERT INTO group_updates (group_id, body) VALUES (?, ?)');
	const upsertSnapshot = db.prepare<[string, Uint8Array, number, number]>(
		`INSERT INTO group_snapshots (group_id, body, through_seq, updated_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (group_id) DO UPDATE SET body = excluded.body, through_seq = excluded.through_seq, updated_at = excluded.updated_at`
	);
	const deleteLogThrough = db.prepare<[string, number]>('DELETE FROM group_updates WHERE group_id = ? AND seq <= ?');
	const deleteSnapshot = db.prepare<[string]>('DELETE FROM group_snapshots WHERE group_id = ?');
	const deleteLog = db.prepare<[string]>('DELETE FROM group_updates WHERE group_id = ?');
	const selectGroups = db.prepare<[], { group_id: string }>(
		'SELECT group_id FROM group_snapshots UNION SELECT group_id FROM group_updates ORDER BY 1'
	);

	// Sizes are cached so an append costs one INSERT, not a count.
	const sizes = new Map<string, StoredSize>();
	const sizeOf = (groupId: string): StoredSize => {
		let size = sizes.get(groupId);
		if (!size) {
			const log = selectLogSize.get(groupId);
			const logBytes = log?.bytes ?? 0;
			size = { logUpdates: log?.updates ?? 0, logBytes, totalBytes: logBytes + (selectSnapshotSize.get(groupId)?.bytes ?? 0) };
			sizes.set(groupId, size);
		}
		return size;
	};

	const insertBatch = db.transaction((batch: PendingAppend[]) => {
		for (const item of batch) insertUpdate.run(item.groupId, item.update);
	});
	let pending: PendingAppend[] | null = null;
	// Runs as a microtask: after every message of the current network read was handled, same tick.
	const flush = () => {
		const batch = pending ?? [];
		pending = null;
		try {
			insertBatch.immediate(batch);
		} catch (error) {
			for (const item of batch) item.reject(error);
			return;
		}
		for (const item of batch) {
			const size = sizeOf(item.groupId);
			size.logUpdates += 1;
			size.logBytes += item.update.length;
			size.totalBytes += item.update.length;
			item.resolve({ ...size });
		}
	};

	const compact = db.transaction((groupId: string): StoredSize => {
		options.onCompactionStart?.(groupId);
		if (options.compactionPauseMs) sleepSync(options.compactionPauseMs);
		const rows = selectLog.all(groupId);
		const snapshot = selectSnapshot.get(groupId);
		if (rows.length === 0) return { logUpdates: 0, logBytes: 0, totalBytes: snapshot?.body.length ?? 0 };
		const doc = new Y.Doc();
		doc.transact(() => {
			if (snapshot) Y.applyUpdate(doc, snapshot.body);
			for (const row of rows) Y.applyUpdate(doc, row.body);
		});
		// encodeStateAsUpdate also carries pending structs, so nothing logged is left out.
		const body = Y.encodeStateAsUpdate(doc);
		doc.destroy();
		const through = rows[rows.length - 1].seq;
		upsertSnapshot.run(groupId, body, through, Date.now());
		deleteLogThrough.run(groupId, through);
		return { logUpdates: 0, logBytes: 0, totalBytes: body.length };
	});

	return {
		async load(groupId) {
			const snapshot = selectSnapshot.get(groupId);
			const rows = selectLog.all(groupId);
			if (!snapshot && rows.length === 0) return null;
			const updates: Uint8Array[] = snapshot ? [new Uint8Array(snapshot.body)] : [];
			let logBytes = 0;
			for (const row of rows) {
				updates.push(new Uint8Array(row.body));
				logBytes += row.body.length;
			}
			const size = { logUpdates: rows.length, logBytes, totalBytes: logBytes + (snapshot?.body.length ?? 0) };
			sizes.set(groupId, size);
			return { updates, size: { ...size } };
		},
		append(groupId, update) {
			// Counted before the insert, so the cached size never includes a row twice.
			sizeOf(groupId);
			return new Promise<StoredSize>((resolve, reject) => {
				if (!pending) {
					pending = [];
					queueMicrotask(flush);
				}
				pending.push({ groupId, update, resolve, reject });
			});
		},
		async compact(groupId) {
			try {
				const size = compact.immediate(groupId);
				sizes.set(groupId, size);
				return { ...size };
			} catch (error) {
				sizes.delete(groupId);
				throw error;
			}
		},
		async listGroups() {
			return selectGroups.all().map((row) => row.group_id);
		},
		async remove(groupId) {
			db.transaction(() => {
				deleteLog.run(groupId);
				deleteSnapshot.run(groupId);
			}).immediate();
			sizes.delete(groupId);
		},
		close() {
			sizes.clear();
		}
	};
}
