// The default RoomStore: one SQLite database (WAL) holding each group's snapshot and an append-only
// log of the updates accepted since. Writes run on a worker thread with its own connection, so the
// event loop never waits for the disk: the updates that arrive while one commit is syncing go in the
// next, in one transaction (group commit), and each promise resolves only once its row is committed.
// New groups' access rows (the group and its owner's token) go in the same commits.
// Compaction runs on a second thread, so folding a big group never stops the others.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteSynchronous } from '../config.ts';
import type { PackedHistory } from '../../src/lib/history/packed.ts';
import type { GroupRegistration } from '../auth/store.ts';
import { startWriterThread, StoreThread, type StoreWorkerData } from './store-thread.ts';
import type { RoomStore, StoredSize, UpdateAuthor } from './types.ts';

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
	/** Called when a compaction's transaction starts, before anything is written. */
	onCompactionStart?: (groupId: string) => void;
	/** Days of history compaction keeps (see history-policy.ts); 0 keeps none. Default 30. */
	historyDays?: number;
}

interface PendingAppend {
	groupId: string;
	update: Uint8Array;
	author: UpdateAuthor | null;
	resolve(size: StoredSize): void;
	reject(error: unknown): void;
}

interface PendingRegistration {
	registration: GroupRegistration;
	resolve(written: boolean): void;
	reject(error: unknown): void;
}

/** The SQLite store also writes new groups' access rows, in the same commits as the updates. */
export interface SqliteRoomStore extends RoomStore {
	/**
	 * Writes a new group and its owner's token (see `writeNewGroup`) in the writer thread's next
	 * commit; resolves once it is on disk, with false when the id or the token was taken.
	 */
	registerGroup(registration: GroupRegistration): Promise<boolean>;
}

/** Databases made before updates carried their author get the columns; their older rows stay authorless. */
function addAuthorColumns(db: Database.Database): void {
	const columns = new Set(db.prepare<[], { name: string }>('PRAGMA table_info(group_updates)').all().map((column) => column.name));
	const missing = [
		['token_id', 'TEXT'],
		['member_name', 'TEXT'],
		['at', 'INTEGER']
	].filter(([name]) => !columns.has(name));
	if (missing.length === 0) return;
	db.transaction(() => {
		for (const [name, type] of missing) db.exec(`ALTER TABLE group_updates ADD COLUMN ${name} ${type}`);
	}).immediate();
}

export function createSqliteStore(db: Database.Database, options: SqliteStoreOptions = {}): SqliteRoomStore {
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
		CREATE TABLE IF NOT EXISTS group_history (
			seq INTEGER PRIMARY KEY,
			group_id TEXT NOT NULL,
			body BLOB NOT NULL,
			token_id TEXT,
			member_name TEXT,
			at INTEGER
		);
		CREATE INDEX IF NOT EXISTS group_history_by_group ON group_history (group_id, seq);
		CREATE TABLE IF NOT EXISTS group_checkpoints (
			group_id TEXT NOT NULL,
			through_seq INTEGER NOT NULL,
			at INTEGER NOT NULL,
			body BLOB NOT NULL,
			PRIMARY KEY (group_id, through_seq)
		);
	`);
	addAuthorColumns(db);
	const selectSnapshot = db.prepare<[string], { body: Buffer }>('SELECT body FROM group_snapshots WHERE group_id = ?');
	const selectSnapshotSize = db.prepare<[string], { bytes: number }>('SELECT length(body) AS bytes FROM group_snapshots WHERE group_id = ?');
	const selectLog = db.prepare<[string], { body: Buffer }>('SELECT body FROM group_updates WHERE group_id = ? ORDER BY seq');
	const selectLogSize = db.prepare<[string], { updates: number; bytes: number | null }>(
		'SELECT count(*) AS updates, sum(length(body)) AS bytes FROM group_updates WHERE group_id = ?'
	);
	const selectGroups = db.prepare<[], { group_id: string }>(
		'SELECT group_id FROM group_snapshots UNION SELECT group_id FROM group_updates ORDER BY 1'
	);
	const readGroup = db.transaction((groupId: string) => ({ snapshot: selectSnapshot.get(groupId), rows: selectLog.all(groupId) }));

	// The threads take this connection's settings (the operator's size limit is set after the schema).
	const workerData = (): StoreWorkerData => ({
		file: db.name,
		synchronous: Number(db.pragma('synchronous', { simple: true })) >= 2 ? 'FULL' : 'NORMAL',
		maxPageCount: Number(db.pragma('max_page_count', { simple: true })),
		compactionPauseMs: options.compactionPauseMs ?? 0,
		historyDays: options.historyDays ?? 30
	});
	const writer = new StoreThread(workerData, undefined, startWriterThread);
	const compactor = new StoreThread(workerData, options.onCompactionStart);

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

	let waiting: { appends: PendingAppend[]; registrations: PendingRegistration[] } | null = null;
	const queue = (): { appends: PendingAppend[]; registrations: PendingRegistration[] } => {
		if (!waiting) {
			waiting = { appends: [], registrations: [] };
			setImmediate(flush);
		}
		return waiting;
	};
	// Runs once per turn of the event loop, after every socket read in it was handled: one message to
	// the thread for all of them (a microtask per read cost a message each, and the thread a wake-up).
	// The thread puts every batch that arrived while it was syncing the disk into its next commit.
	const flush = (): void => {
		const { appends, registrations } = waiting ?? { appends: [], registrations: [] };
		waiting = null;
		writer.call<boolean[]>({
			op: 'append',
			groupIds: appends.map((item) => item.groupId),
			updates: appends.map((item) => item.update),
			authors: appends.map((item) => item.author),
			registrations: registrations.map((item) => item.registration)
		}).then(
			(written) => {
				for (const item of appends) {
					const size = sizeOf(item.groupId);
					size.logUpdates += 1;
					size.logBytes += item.update.length;
					size.totalBytes += item.update.length;
					item.resolve({ ...size });
				}
				registrations.forEach((item, i) => item.resolve(written[i]));
			},
			(error: unknown) => {
				for (const item of [...appends, ...registrations]) item.reject(error);
			}
		);
	};

	return {
		async load(groupId) {
			const { snapshot, rows } = readGroup.deferred(groupId);
			if (!snapshot && rows.length === 0) {
				// A new group: its first append need not count its rows.
				sizes.set(groupId, { logUpdates: 0, logBytes: 0, totalBytes: 0 });
				return null;
			}
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
		append(groupId, update, author) {
			// Counted before the insert, so the cached size never includes a row twice.
			sizeOf(groupId);
			return new Promise<StoredSize>((resolve, reject) => {
				queue().appends.push({ groupId, update, author: author ?? null, resolve, reject });
			});
		},
		registerGroup(registration) {
			return new Promise<boolean>((resolve, reject) => {
				queue().registrations.push({ registration, resolve, reject });
			});
		},
		async compact(groupId) {
			try {
				const size = await compactor.call<StoredSize>({ op: 'compact', groupId });
				sizes.set(groupId, size);
				return { ...size };
			} catch (error) {
				sizes.delete(groupId);
				throw error;
			}
		},
		loadHistory(groupId, since) {
			// Read on the compaction thread and transferred packed: a long history never holds the event loop.
			return compactor.call<PackedHistory | null>({ op: 'history', groupId, ...(since ? { since } : {}) });
		},
		async listGroups() {
			return selectGroups.all().map((row) => row.group_id);
		},
		async remove(groupId) {
			// Through the writer, after every update appended before (threads keep the order of
			// messages): none of them can outlive the group.
			await writer.call({ op: 'remove', groupId });
			sizes.delete(groupId);
		},
		async close() {
			await Promise.all([writer.close(), compactor.close()]);
			sizes.clear();
		}
	};
}
