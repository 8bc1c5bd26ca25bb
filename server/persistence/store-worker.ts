// The SQLite store's worker thread, with its own connection to the database: commits batches of
// appended updates and new groups' access rows (one transaction, one fsync, while the event loop
// keeps serving) or compacts a group's log into a new snapshot. Messages are handled one at a time,
// in the order they arrive.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { writeNewGroup } from '../auth/store.ts';
import { packHistory, packedBuffers, type HistoryExtent, type PackedHistory } from '../../src/lib/history/packed.ts';
import { foldUpdates } from './compaction.ts';
import { foldThrough } from './history-policy.ts';
import type { StoreRequest, StoreReply, StoreWorkerData } from './store-thread.ts';
import type { HistorySince, LoggedUpdate, StoredHistory } from './types.ts';

interface LogRow {
	seq: number;
	body: Buffer;
}

interface HistoryRow extends LogRow {
	token_id: string | null;
	member_name: string | null;
	at: number | null;
}


/** The state of a group with nothing in it: the base of a history that starts at the beginning. */
const EMPTY_DOC = Y.encodeStateAsUpdate(new Y.Doc());

const settings = workerData as StoreWorkerData;
const db = new Database(settings.file);
db.pragma(`synchronous = ${settings.synchronous}`);
// Off the event loop, a write may wait long for the lock: a compaction's swap of a big group (tens of
// MiB written and synced) can hold it for seconds on a slow or busy disk, and an append that gave up
// would close the group's connections (1011) for nothing.
db.pragma('busy_timeout = 120000');
db.pragma(`max_page_count = ${settings.maxPageCount}`);

const insertUpdate = db.prepare<[string, Uint8Array, string | null, string | null, number | null]>(
	'INSERT INTO group_updates (group_id, body, token_id, member_name, at) VALUES (?, ?, ?, ?, ?)'
);
const selectSnapshot = db.prepare<[string], { body: Buffer; through_seq: number; updated_at: number }>(
	'SELECT body, through_seq, updated_at FROM group_snapshots WHERE group_id = ?'
);
const selectHistoryMarks = db.prepare<[string], { seq: number; at: number | null }>('SELECT seq, at FROM group_history WHERE group_id = ? ORDER BY seq');
const selectHistoryThrough = db.prepare<[string, number], { body: Buffer; at: number | null }>(
	'SELECT body, at FROM group_history WHERE group_id = ? AND seq <= ? ORDER BY seq'
);
const insertCheckpoint = db.prepare<[string, number, number, Uint8Array]>(
	'INSERT OR REPLACE INTO group_checkpoints (group_id, at, through_seq, body) VALUES (?, ?, ?, ?)'
);
const moveToHistory = db.prepare<[string, number]>(
	`INSERT OR IGNORE INTO group_history (seq, group_id, body, token_id, member_name, at)
	 SELECT seq, group_id, body, token_id, member_name, at FROM group_updates WHERE group_id = ? AND seq <= ?`
);
const pruneHistoryThrough = db.prepare<[string, number]>('DELETE FROM group_history WHERE group_id = ? AND seq <= ?');
const deleteHistory = db.prepare<[string]>('DELETE FROM group_history WHERE group_id = ?');
const deleteCheckpoints = db.prepare<[string]>('DELETE FROM group_checkpoints WHERE group_id = ?');
const selectOldestCheckpoint = db.prepare<[string], { body: Buffer; at: number; through_seq: number }>(
	'SELECT body, at, through_seq FROM group_checkpoints WHERE group_id = ? ORDER BY through_seq LIMIT 1'
);
const selectHistoryAfter = db.prepare<[string, number], HistoryRow>(
	'SELECT seq, body, token_id, member_name, at FROM group_history WHERE group_id = ? AND seq > ? ORDER BY seq'
);
const selectLogAfter = db.prepare<[string, number], HistoryRow>(
	'SELECT seq, body, token_id, member_name, at FROM group_updates WHERE group_id = ? AND seq > ? ORDER BY seq'
);
const countHistoryBetween = db.prepare<[string, number, number, string, number, number], { n: number }>(
	`SELECT (SELECT count(*) FROM group_history WHERE group_id = ? AND seq > ? AND seq <= ?)
	      + (SELECT count(*) FROM group_updates WHERE group_id = ? AND seq > ? AND seq <= ?) AS n`
);
const selectThrough = db.prepare<[string], { through_seq: number }>('SELECT through_seq FROM group_snapshots WHERE group_id = ?');
const selectLog = db.prepare<[string], LogRow & { at: number | null }>('SELECT seq, body, at FROM group_updates WHERE group_id = ? ORDER BY seq');
const countLogThrough = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM group_updates WHERE group_id = ? AND seq <= ?');
const selectLogSize = db.prepare<[string], { updates: number; bytes: number | null }>(
	'SELECT count(*) AS updates, sum(length(body)) AS bytes FROM group_updates WHERE group_id = ?'
);
const upsertSnapshot = db.prepare<[string, Uint8Array, number, number]>(
	`INSERT INTO group_snapshots (group_id, body, through_seq, updated_at) VALUES (?, ?, ?, ?)
	 ON CONFLICT (group_id) DO UPDATE SET body = excluded.body, through_seq = excluded.through_seq, updated_at = excluded.updated_at`
);
const deleteLogThrough = db.prepare<[string, number]>('DELETE FROM group_updates WHERE group_id = ? AND seq <= ?');
const deleteSnapshot = db.prepare<[string]>('DELETE FROM group_snapshots WHERE group_id = ?');
const deleteLog = db.prepare<[string]>('DELETE FROM group_updates WHERE group_id = ?');

/** Each request's updates, then its registrations; answers, per request, which groups were written. */
const insertBatch = db.transaction((requests: Extract<StoreRequest, { op: 'append' }>[]) =>
	requests.map(({ groupIds, updates, authors, registrations }) => {
		for (let i = 0; i < groupIds.length; i++) {
			const author = authors[i];
			insertUpdate.run(groupIds[i], updates[i], author?.tokenId ?? null, author?.name ?? null, author?.at ?? null);
		}
		return registrations.map((registration) => writeNewGroup(db, registration));
	})
);
const readGroup = db.transaction((groupId: string) => ({ snapshot: selectSnapshot.get(groupId), rows: selectLog.all(groupId) }));
const removeGroup = db.transaction((groupId: string) => {
	deleteLog.run(groupId);
	deleteSnapshot.run(groupId);
	deleteHistory.run(groupId);
	deleteCheckpoints.run(groupId);
});

function logged(row: HistoryRow): LoggedUpdate {
	const author = row.token_id === null ? null : { tokenId: row.token_id, name: row.member_name ?? '', at: row.at ?? 0 };
	return { seq: row.seq, body: new Uint8Array(row.body), author };
}

/**
 * The oldest kept checkpoint (or, with none, the snapshot) and every update logged after it; with
 * `since` on the same base, only the updates after `since.after` (and how many came before them).
 */
const readHistory = db.transaction((groupId: string, since?: HistorySince): { history: StoredHistory; extent: HistoryExtent } | null => {
	const checkpoint = selectOldestCheckpoint.get(groupId);
	const snapshot = checkpoint ? undefined : selectSnapshot.get(groupId);
	const from = checkpoint?.through_seq ?? snapshot?.through_seq ?? 0;
	const base = checkpoint ?? snapshot;
	const baseAt = checkpoint ? checkpoint.at : (snapshot?.updated_at ?? null);
	const delta = since && since.baseThrough === from && since.baseAt === baseAt && since.after >= from;
	const after = delta ? since.after : from;
	const rows = [...selectHistoryAfter.all(groupId, after), ...selectLogAfter.all(groupId, after)];
	const countThrough = delta ? countHistoryBetween.get(groupId, from, after, groupId, from, after)!.n : 0;
	if (!base && rows.length === 0 && countThrough === 0) return null;
	return {
		history: { base: base && !delta ? new Uint8Array(base.body) : null, baseAt, updates: rows.map(logged) },
		extent: { baseThrough: from, after: delta ? after : null, countThrough }
	};
});

/**
 * Inside a compaction's transaction, before the folded rows leave the log: moves them to the
 * history, which starts (the first time) from the snapshot before this fold or the empty group.
 */
function keepHistory(groupId: string, previous: { body: Buffer; through_seq: number; updated_at: number } | undefined, through: number, firstAt: number | null): void {
	if (settings.historyDays <= 0) {
		deleteHistory.run(groupId);
		deleteCheckpoints.run(groupId);
		return;
	}
	if (!selectOldestCheckpoint.get(groupId)) {
		const at = previous ? previous.updated_at : (firstAt ?? Date.now());
		insertCheckpoint.run(groupId, at, previous?.through_seq ?? 0, previous ? previous.body : EMPTY_DOC);
	}
	moveToHistory.run(groupId, through);
}

interface PrunePlan {
	/** The checkpoint it was computed from; applied only if that is still the one kept. */
	fromThrough: number;
	through: number;
	at: number;
	body: Uint8Array;
}

/**
 * History older than the retention folded into a new checkpoint, computed from a consistent read
 * outside any write lock (like the compaction's own fold); null when nothing is due.
 */
function planPrune(groupId: string): PrunePlan | null {
	if (settings.historyDays <= 0) return null;
	return db.transaction((): PrunePlan | null => {
		const checkpoint = selectOldestCheckpoint.get(groupId);
		if (!checkpoint) return null;
		const through = foldThrough(selectHistoryMarks.all(groupId), settings.historyDays, Date.now());
		if (through === null) return null;
		const rows = selectHistoryThrough.all(groupId, through);
		const body = foldUpdates(checkpoint.body, rows.map((row) => row.body));
		return { fromThrough: checkpoint.through_seq, through, at: rows.at(-1)?.at ?? checkpoint.at, body };
	}).deferred();
}

function applyPrune(groupId: string, plan: PrunePlan | null): void {
	if (!plan || selectOldestCheckpoint.get(groupId)?.through_seq !== plan.fromThrough) return;
	deleteCheckpoints.run(groupId);
	insertCheckpoint.run(groupId, plan.at, plan.through, plan.body);
	pruneHistoryThrough.run(groupId, plan.through);
}

function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function logSize(groupId: string, snapshotBytes: number) {
	const log = selectLogSize.get(groupId);
	const logBytes = log?.bytes ?? 0;
	return { logUpdates: log?.updates ?? 0, logBytes, totalBytes: logBytes + snapshotBytes };
}

/**
 * The fold is computed from a consistent read, outside any write lock (updates keep being appended
 * meanwhile); the swap is one short transaction that first checks nothing it folded changed.
 */
function compact(groupId: string) {
	const { snapshot, rows } = readGroup.deferred(groupId);
	if (rows.length === 0) return logSize(groupId, snapshot?.body.length ?? 0);
	const body = foldUpdates(snapshot?.body, rows.map((row) => row.body));
	const through = rows[rows.length - 1].seq;
	const prune = planPrune(groupId);
	return db.transaction(() => {
		// Deleted, or compacted by another process, since the read: keep what is stored.
		const current = selectThrough.get(groupId)?.through_seq ?? null;
		if (current !== (snapshot?.through_seq ?? null) || countLogThrough.get(groupId, through)!.n !== rows.length) {
			return logSize(groupId, selectSnapshot.get(groupId)?.body.length ?? 0);
		}
		post({ event: 'compaction-started', groupId });
		if (settings.compactionPauseMs) sleepSync(settings.compactionPauseMs);
		upsertSnapshot.run(groupId, body, through, Date.now());
		keepHistory(groupId, snapshot, through, rows[0].at);
		applyPrune(groupId, prune);
		deleteLogThrough.run(groupId, through);
		return logSize(groupId, body.length);
	}).immediate();
}

function handle(request: Exclude<StoreRequest, { op: 'append' }>): unknown {
	switch (request.op) {
		case 'compact':
			return compact(request.groupId);
		case 'remove':
			removeGroup.immediate(request.groupId);
			return null;
		case 'history': {
			// Packed: it reaches the event loop by transfer, not as one object per update.
			const read = readHistory.deferred(request.groupId, request.since);
			return read && packHistory(read.history, read.extent);
		}
	}
}

function post(reply: StoreReply): void {
	const value = 'ok' in reply && reply.ok ? (reply.value as { bodies?: unknown } | null) : null;
	parentPort!.postMessage(reply, value && value.bodies instanceof Uint8Array ? packedBuffers(value as PackedHistory) : []);
}

function fail(id: number, error: unknown): void {
	const { message, code } = error as { message?: string; code?: unknown };
	post({ id, ok: false, error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } });
}

/** Appends (and registrations) that arrived together go in one transaction: one fsync for all of them. */
function appendAll(requests: Extract<StoreRequest, { op: 'append' }>[]): void {
	let written: boolean[][];
	try {
		written = insertBatch.immediate(requests);
	} catch (error) {
		for (const request of requests) fail(request.id, error);
		return;
	}
	requests.forEach((request, i) => post({ id: request.id, ok: true, value: written[i] }));
}

type Message = StoreRequest | { op: 'close' };
const port = parentPort as MessagePort;

port.on('message', (first: Message) => {
	// Everything that queued up while the last commit synced the disk is handled now, in order.
	const messages: Message[] = [first];
	for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) messages.push(next.message as Message);
	let appends: Extract<StoreRequest, { op: 'append' }>[] = [];
	for (const message of messages) {
		if (message.op === 'append') {
			appends.push(message);
			continue;
		}
		if (appends.length > 0) appendAll(appends);
		appends = [];
		if (message.op === 'close') {
			db.close();
			port.close();
			return;
		}
		try {
			post({ id: message.id, ok: true, value: handle(message) });
		} catch (error) {
			fail(message.id, error);
		}
	}
	if (appends.length > 0) appendAll(appends);
});
