// The SQLite store's worker thread, with its own connection to the database: commits batches of
// appended updates (one transaction, one fsync, while the event loop keeps serving) or compacts a
// group's log into a new snapshot. Messages are handled one at a time, in the order they arrive.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import type { StoreRequest, StoreReply, StoreWorkerData } from './store-thread.ts';

interface LogRow {
	seq: number;
	body: Buffer;
}

const settings = workerData as StoreWorkerData;
const db = new Database(settings.file);
db.pragma(`synchronous = ${settings.synchronous}`);
// Off the event loop, a write may wait long for the lock: a compaction's swap of a big group (tens of
// MiB written and synced) can hold it for seconds on a slow or busy disk, and an append that gave up
// would close the group's connections (1011) for nothing.
db.pragma('busy_timeout = 120000');
db.pragma(`max_page_count = ${settings.maxPageCount}`);

const insertUpdate = db.prepare<[string, Uint8Array]>('INSERT INTO group_updates (group_id, body) VALUES (?, ?)');
const selectSnapshot = db.prepare<[string], { body: Buffer; through_seq: number }>('SELECT body, through_seq FROM group_snapshots WHERE group_id = ?');
const selectThrough = db.prepare<[string], { through_seq: number }>('SELECT through_seq FROM group_snapshots WHERE group_id = ?');
const selectLog = db.prepare<[string], LogRow>('SELECT seq, body FROM group_updates WHERE group_id = ? ORDER BY seq');
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

const insertBatch = db.transaction((groupIds: string[], updates: Uint8Array[]) => {
	for (let i = 0; i < groupIds.length; i++) insertUpdate.run(groupIds[i], updates[i]);
});
const readGroup = db.transaction((groupId: string) => ({ snapshot: selectSnapshot.get(groupId), rows: selectLog.all(groupId) }));
const removeGroup = db.transaction((groupId: string) => {
	deleteLog.run(groupId);
	deleteSnapshot.run(groupId);
});

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
	const doc = new Y.Doc();
	doc.transact(() => {
		if (snapshot) Y.applyUpdate(doc, snapshot.body);
		for (const row of rows) Y.applyUpdate(doc, row.body);
	});
	// encodeStateAsUpdate also carries pending structs, so nothing logged is left out.
	const body = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	const through = rows[rows.length - 1].seq;
	return db.transaction(() => {
		// Deleted, or compacted by another process, since the read: keep what is stored.
		const current = selectThrough.get(groupId)?.through_seq ?? null;
		if (current !== (snapshot?.through_seq ?? null) || countLogThrough.get(groupId, through)!.n !== rows.length) {
			return logSize(groupId, selectSnapshot.get(groupId)?.body.length ?? 0);
		}
		post({ event: 'compaction-started', groupId });
		if (settings.compactionPauseMs) sleepSync(settings.compactionPauseMs);
		upsertSnapshot.run(groupId, body, through, Date.now());
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
	}
}

function post(reply: StoreReply): void {
	parentPort!.postMessage(reply);
}

function fail(id: number, error: unknown): void {
	const { message, code } = error as { message?: string; code?: unknown };
	post({ id, ok: false, error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } });
}

/** Appends that arrived together go in one transaction: one fsync for all of them. */
function appendAll(requests: Extract<StoreRequest, { op: 'append' }>[]): void {
	try {
		insertBatch.immediate(
			requests.flatMap((request) => request.groupIds),
			requests.flatMap((request) => request.updates)
		);
	} catch (error) {
		for (const request of requests) fail(request.id, error);
		return;
	}
	for (const request of requests) post({ id: request.id, ok: true, value: null });
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
