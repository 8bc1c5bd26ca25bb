// The cluster's RoomStore: a group's snapshot and update log in PostgreSQL, and every accepted
// update added to the group's Redis stream once it is committed, so the other relay processes pass
// it on. An append resolves only when both hold it; PostgreSQL is the truth, the stream a fan-out log.
// Compaction takes a per-group advisory lock (one process at a time), folds the log into the snapshot
// and trims the stream only below entries that were already in PostgreSQL when it began.
import type { Redis } from 'ioredis';
import type pg from 'pg';
import * as Y from 'yjs';
import { packHistory } from '../../src/lib/history/packed.ts';
import { foldUpdates } from '../persistence/compaction.ts';
import { foldThrough } from '../persistence/history-policy.ts';
import type { LoggedUpdate, RoomStore, StoredSize, UpdateAuthor } from '../persistence/types.ts';
import { FIELD_BODY, FIELD_FROM, type StreamKeys } from './keys.ts';

export interface ClusterStoreOptions {
	pool: pg.Pool;
	redis: Redis;
	keys: StreamKeys;
	/** Written on each stream entry, so this process skips its own updates when it reads the stream. */
	processId: string;
	/** Stream entries younger than this stay after compaction, for processes still reading them. */
	streamRetainMs: number;
	/** Testing only: hold each compaction open inside its transaction. */
	compactionPauseMs?: number;
	onCompactionStart?: (groupId: string) => void;
	/** Called inside the compaction transaction once everything is written, before it commits. */
	onCompactionEnd?: (groupId: string, foldedUpdates: number) => void;
	/** Days of history compaction keeps (see history-policy.ts); 0 keeps none. Default 30. */
	historyDays?: number;
}

/** What `compact` did: `skipped` when another process held the group's compaction lock. */
export interface CompactionOutcome {
	size: StoredSize;
	skipped: boolean;
	trimmed: number;
}

export interface ClusterRoomStore extends RoomStore {
	compactGroup(groupId: string): Promise<CompactionOutcome>;
	/** Groups whose log is long enough to look at for compaction. */
	groupsWithLogs(minUpdates: number, minBytes: number): Promise<{ groupId: string; size: StoredSize }[]>;
}

interface PendingAppend {
	groupId: string;
	update: Uint8Array;
	author: UpdateAuthor | null;
	resolve(size: StoredSize): void;
	reject(error: unknown): void;
}

interface SizeRow {
	group_id: string;
	log_updates: number;
	log_bytes: number;
	snapshot_bytes: number;
}

const toSize = (row: SizeRow | undefined): StoredSize =>
	row ? { logUpdates: row.log_updates, logBytes: row.log_bytes, totalBytes: row.log_bytes + row.snapshot_bytes } : { logUpdates: 0, logBytes: 0, totalBytes: 0 };

/** Orders two stream ids ("<ms>-<seq>"). */
function compareIds(a: string, b: string): number {
	const [am, as] = a.split('-').map(BigInt);
	const [bm, bs] = b.split('-').map(BigInt);
	return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		const result = await fn(client);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		client.release();
	}
}

export function createClusterStore(options: ClusterStoreOptions): ClusterRoomStore {
	const { pool, redis, keys, processId } = options;
	const historyDays = options.historyDays ?? 30;
	let pending: PendingAppend[] = [];
	let flushQueued = false;
	let writing = false;
	/**
	 * Updates committed to PostgreSQL whose XADD failed (Redis away): added again once Redis is back,
	 * so the other processes' members get them too (a process that dies first leaves them to PostgreSQL).
	 */
	let unstreamed: { groupId: string; update: Uint8Array }[] = [];

	const writeBatch = async (batch: PendingAppend[]): Promise<Map<string, StoredSize>> => {
		const sizes = await inTransaction(pool, async (client) => {
			await client.query(
				'INSERT INTO group_updates (group_id, body, token_id, member_name, at) SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[], $4::text[], $5::bigint[])',
				[
					batch.map((item) => item.groupId),
					batch.map((item) => Buffer.from(item.update)),
					batch.map((item) => item.author?.tokenId ?? null),
					batch.map((item) => item.author?.name ?? null),
					batch.map((item) => item.author?.at ?? null)
				]
			);
			const byGroup = new Map<string, { updates: number; bytes: number }>();
			for (const item of batch) {
				const sum = byGroup.get(item.groupId) ?? { updates: 0, bytes: 0 };
				sum.updates += 1;
				sum.bytes += item.update.length;
				byGroup.set(item.groupId, sum);
			}
			// In a fixed order, so two processes' batches never wait for each other's rows in a cycle.
			const groupIds = [...byGroup.keys()].sort();
			const rows = await client.query<SizeRow>(
				`INSERT INTO group_sizes (group_id, log_updates, log_bytes)
				 SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
				 ON CONFLICT (group_id) DO UPDATE SET log_updates = group_sizes.log_updates + excluded.log_updates,
				 log_bytes = group_sizes.log_bytes + excluded.log_bytes RETURNING *`,
				[groupIds, groupIds.map((id) => byGroup.get(id)!.updates), groupIds.map((id) => byGroup.get(id)!.bytes)]
			);
			return new Map(rows.rows.map((row) => [row.group_id, toSize(row)]));
		});
		// Committed: now (and only now) on the streams, in the order accepted.
		try {
			await addToStreams(batch);
		} catch (error) {
			unstreamed.push(...batch.map(({ groupId, update }) => ({ groupId, update })));
			throw error;
		}
		return sizes;
	};

	async function addToStreams(items: { groupId: string; update: Uint8Array }[]): Promise<void> {
		const pipeline = redis.pipeline();
		for (const item of items) pipeline.xadd(keys.updates(item.groupId), '*', FIELD_BODY, Buffer.from(item.update), FIELD_FROM, processId);
		const replies = (await pipeline.exec()) ?? [];
		const failed = replies.find(([error]) => error);
		if (failed || replies.length !== items.length) throw failed?.[0] ?? new Error('Redis did not take every update.');
	}

	const streamAgain = () => {
		if (unstreamed.length === 0) return;
		const items = unstreamed;
		unstreamed = [];
		addToStreams(items).catch(() => {
			unstreamed = [...items, ...unstreamed];
		});
	};
	redis.on('ready', streamAgain);

	// Group commit: one batch in flight at a time; everything appended meanwhile goes in the next one,
	// so promises resolve in the order of the calls and a slow commit is shared, not queued up.
	const flush = () => {
		flushQueued = false;
		if (writing || pending.length === 0) return;
		const batch = pending;
		pending = [];
		writing = true;
		writeBatch(batch)
			.then(
				(sizes) => {
					for (const item of batch) item.resolve({ ...sizes.get(item.groupId)! });
				},
				(error: unknown) => {
					for (const item of batch) item.reject(error);
				}
			)
			.finally(() => {
				writing = false;
				flush();
			});
	};

	const sizeOf = async (client: pg.Pool | pg.PoolClient, groupId: string): Promise<StoredSize> =>
		toSize((await client.query<SizeRow>('SELECT * FROM group_sizes WHERE group_id = $1', [groupId])).rows[0]);

	/** The SQLite worker's keepHistory and prune, in the compaction's transaction (see history-policy.ts). */
	const keepHistory = async (
		client: pg.PoolClient,
		groupId: string,
		previous: { body: Buffer; updated_at: number } | undefined,
		rows: { seq: number; at: number | null }[]
	): Promise<void> => {
		if (historyDays <= 0) {
			await client.query('DELETE FROM group_history WHERE group_id = $1', [groupId]);
			await client.query('DELETE FROM group_checkpoints WHERE group_id = $1', [groupId]);
			return;
		}
		const oldest = async () =>
			(await client.query<{ body: Buffer; at: number; through_seq: number }>('SELECT body, at, through_seq FROM group_checkpoints WHERE group_id = $1 ORDER BY through_seq LIMIT 1', [groupId]))
				.rows[0];
		if (!(await oldest())) {
			// History starts here: from the snapshot before this fold, or from the empty group.
			await client.query('INSERT INTO group_checkpoints (group_id, through_seq, at, body) VALUES ($1, 0, $2, $3)', [
				groupId,
				previous ? previous.updated_at : (rows[0].at ?? Date.now()),
				previous ? previous.body : Buffer.from(Y.encodeStateAsUpdate(new Y.Doc()))
			]);
		}
		// Planned before this fold's rows join the history, as the other stores do.
		const marks = (await client.query<{ seq: number; at: number | null }>('SELECT seq, at FROM group_history WHERE group_id = $1 ORDER BY seq', [groupId])).rows;
		const through = foldThrough(marks, historyDays, Date.now());
		await client.query(
			`INSERT INTO group_history (seq, group_id, body, token_id, member_name, at)
			 SELECT seq, group_id, body, token_id, member_name, at FROM group_updates WHERE seq = ANY($1::bigint[]) ON CONFLICT (seq) DO NOTHING`,
			[rows.map((row) => row.seq)]
		);
		if (through === null) return;
		const checkpoint = (await oldest())!;
		const folded = (await client.query<{ body: Buffer; at: number | null }>('SELECT body, at FROM group_history WHERE group_id = $1 AND seq <= $2 ORDER BY seq', [groupId, through])).rows;
		const body = Buffer.from(foldUpdates(checkpoint.body, folded.map((row) => row.body)));
		await client.query('DELETE FROM group_checkpoints WHERE group_id = $1', [groupId]);
		await client.query('INSERT INTO group_checkpoints (group_id, through_seq, at, body) VALUES ($1, $2, $3, $4)', [groupId, through, folded.at(-1)?.at ?? checkpoint.at, body]);
		await client.query('DELETE FROM group_history WHERE group_id = $1 AND seq <= $2', [groupId, through]);
	};

	const compactGroup = async (groupId: string): Promise<CompactionOutcome> => {
		// Every entry up to this id was added after its row committed, so the fold below holds it.
		const newest = await redis.xrevrange(keys.updates(groupId), '+', '-', 'COUNT', 1);
		const foldedThrough = newest[0]?.[0] ?? null;
		const outcome = await inTransaction(pool, async (client): Promise<CompactionOutcome> => {
			const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`commonplace-compact:${groupId}`]);
			if (!locked.rows[0].locked) return { size: await sizeOf(client, groupId), skipped: true, trimmed: 0 };
			options.onCompactionStart?.(groupId);
			if (options.compactionPauseMs) await new Promise((resolve) => setTimeout(resolve, options.compactionPauseMs));
			const rows = (await client.query<{ seq: number; body: Buffer; at: number | null }>('SELECT seq, body, at FROM group_updates WHERE group_id = $1 ORDER BY seq', [groupId])).rows;
			const snapshot = (await client.query<{ body: Buffer; updated_at: number }>('SELECT body, updated_at FROM group_snapshots WHERE group_id = $1', [groupId])).rows[0];
			if (rows.length === 0) {
				options.onCompactionEnd?.(groupId, 0);
				return { size: await sizeOf(client, groupId), skipped: false, trimmed: 0 };
			}
			const body = foldUpdates(snapshot?.body, rows.map((row) => row.body));
			await client.query(
				`INSERT INTO group_snapshots (group_id, body, updated_at) VALUES ($1, $2, $3)
				 ON CONFLICT (group_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
				[groupId, Buffer.from(body), Date.now()]
			);
			await keepHistory(client, groupId, snapshot, rows);
			// Exactly the rows folded: a row another process commits meanwhile (even with a lower seq) stays.
			await client.query('DELETE FROM group_updates WHERE seq = ANY($1::bigint[])', [rows.map((row) => row.seq)]);
			const foldedBytes = rows.reduce((sum, row) => sum + row.body.length, 0);
			const size = await client.query<SizeRow>(
				`INSERT INTO group_sizes (group_id, snapshot_bytes) VALUES ($1, $2)
				 ON CONFLICT (group_id) DO UPDATE SET log_updates = group_sizes.log_updates - $3, log_bytes = group_sizes.log_bytes - $4,
				 snapshot_bytes = excluded.snapshot_bytes RETURNING *`,
				[groupId, body.length, rows.length, foldedBytes]
			);
			options.onCompactionEnd?.(groupId, rows.length);
			return { size: toSize(size.rows[0]), skipped: false, trimmed: 0 };
		});
		if (outcome.skipped || foldedThrough === null) return outcome;
		// Trim below what was folded, but keep the last moments for processes still reading them.
		const [seconds, micros] = await redis.time();
		const retainFrom = `${Math.max(0, Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - options.streamRetainMs)}-0`;
		const minId = compareIds(foldedThrough, retainFrom) < 0 ? foldedThrough : retainFrom;
		outcome.trimmed = Number(await redis.xtrim(keys.updates(groupId), 'MINID', minId));
		return outcome;
	};

	return {
		async load(groupId) {
			const stored = await inTransaction(pool, async (client) => {
				await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
				const snapshot = (await client.query<{ body: Buffer }>('SELECT body FROM group_snapshots WHERE group_id = $1', [groupId])).rows[0];
				const rows = (await client.query<{ body: Buffer }>('SELECT body FROM group_updates WHERE group_id = $1 ORDER BY seq', [groupId])).rows;
				return { snapshot, rows };
			});
			const { snapshot, rows } = stored;
			if (!snapshot && rows.length === 0) return null;
			const updates: Uint8Array[] = snapshot ? [new Uint8Array(snapshot.body)] : [];
			let logBytes = 0;
			for (const row of rows) {
				updates.push(new Uint8Array(row.body));
				logBytes += row.body.length;
			}
			return { updates, size: { logUpdates: rows.length, logBytes, totalBytes: logBytes + (snapshot?.body.length ?? 0) } };
		},
		append(groupId, update, author) {
			return new Promise<StoredSize>((resolve, reject) => {
				pending.push({ groupId, update: Uint8Array.from(update), author: author ?? null, resolve, reject });
				if (!flushQueued && !writing) {
					flushQueued = true;
					queueMicrotask(flush);
				}
			});
		},
		async compact(groupId) {
			return (await compactGroup(groupId)).size;
		},
		async loadHistory(groupId) {
			return inTransaction(pool, async (client) => {
				await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
				const checkpoint = (
					await client.query<{ body: Buffer; at: number; through_seq: number }>(
						'SELECT body, at, through_seq FROM group_checkpoints WHERE group_id = $1 ORDER BY through_seq LIMIT 1',
						[groupId]
					)
				).rows[0];
				const snapshot = checkpoint
					? undefined
					: (await client.query<{ body: Buffer; updated_at: number }>('SELECT body, updated_at FROM group_snapshots WHERE group_id = $1', [groupId])).rows[0];
				type Row = { seq: number; body: Buffer; token_id: string | null; member_name: string | null; at: number | null };
				const from = checkpoint?.through_seq ?? 0;
				// Without a checkpoint the snapshot holds everything folded, and the log is what came after it.
				const history = checkpoint
					? (await client.query<Row>('SELECT seq, body, token_id, member_name, at FROM group_history WHERE group_id = $1 AND seq > $2 ORDER BY seq', [groupId, from])).rows
					: [];
				const log = (await client.query<Row>('SELECT seq, body, token_id, member_name, at FROM group_updates WHERE group_id = $1 ORDER BY seq', [groupId])).rows;
				const base = checkpoint ?? snapshot;
				if (!base && history.length === 0 && log.length === 0) return null;
				const updates: LoggedUpdate[] = [...history, ...log].map((row) => ({
					seq: row.seq,
					body: new Uint8Array(row.body),
					author: row.token_id === null ? null : { tokenId: row.token_id, name: row.member_name ?? '', at: row.at ?? 0 }
				}));
				// Always the whole history: seqs from several processes may commit out of order, so "after a
				// seq" is not a safe cut here; the history thread replays it afresh.
				return packHistory(
					{ base: base ? new Uint8Array(base.body) : null, baseAt: checkpoint ? checkpoint.at : (snapshot?.updated_at ?? null), updates },
					{ baseThrough: from, after: null, countThrough: 0 }
				);
			});
		},
		compactGroup,
		async groupsWithLogs(minUpdates, minBytes) {
			const rows = await pool.query<SizeRow>('SELECT * FROM group_sizes WHERE log_updates >= $1 OR log_bytes >= $2 ORDER BY group_id', [minUpdates, minBytes]);
			return rows.rows.map((row) => ({ groupId: row.group_id, size: toSize(row) }));
		},
		async listGroups() {
			const rows = await pool.query<{ group_id: string }>(
				'SELECT group_id FROM (SELECT group_id FROM group_snapshots UNION SELECT group_id FROM group_updates) AS stored ORDER BY group_id COLLATE "C"'
			);
			return rows.rows.map((row) => row.group_id);
		},
		async remove(groupId) {
			await inTransaction(pool, async (client) => {
				await client.query('DELETE FROM group_updates WHERE group_id = $1', [groupId]);
				await client.query('DELETE FROM group_snapshots WHERE group_id = $1', [groupId]);
				await client.query('DELETE FROM group_sizes WHERE group_id = $1', [groupId]);
				await client.query('DELETE FROM group_history WHERE group_id = $1', [groupId]);
				await client.query('DELETE FROM group_checkpoints WHERE group_id = $1', [groupId]);
			});
			await redis.del(keys.updates(groupId), keys.presence(groupId));
		},
		async close() {
			redis.off('ready', streamAgain);
			// What was appended settles first (its batch commits, or fails and is sent again by its members).
			while (writing || pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
		}
	};
}
