// Durability: the relay runs as a child process while a member streams updates to ten readers; it is
// killed with SIGKILL at random moments (and in the middle of a compaction), and every update any
// reader had received must be in the database when the relay is dead; a group whose first connection
// was accepted is stored with its owner's token, however soon the kill; and a compaction that holds
// the write lock for long makes updates wait, never fail. In cluster mode the one process killed is a
// cluster member, and the database is the cluster's PostgreSQL.
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { randomId } from '../../src/lib/model/index.ts';
import { connectMember, eventually, newToken, spawnRelay, storedGroupRows, storedRowCounts, type SpawnedRelay, type TestMember } from '../helpers/relay.ts';

const ROUNDS = 20;
const READERS = 3;

const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-durability-'));
const members: TestMember[] = [];
let relay: SpawnedRelay | null = null;

afterAll(async () => {
	for (const member of members) member.destroy();
	await relay?.kill('SIGKILL');
	rmSync(dataDir, { recursive: true, force: true });
});

/** Everything stored of the group, read from the storage of a dead relay (its file, or its cluster's PostgreSQL). */
async function storedValues(groupId: string): Promise<Set<number>> {
	const { snapshots, updates } = await storedGroupRows(dataDir, groupId);
	const doc = new Y.Doc();
	for (const body of [...snapshots, ...updates.map((row) => row.body)]) Y.applyUpdate(doc, body);
	return new Set(doc.getArray<number>('stream').toArray());
}

/** A seeded generator, so a failing round can be replayed. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

describe('durability under kill -9', () => {
	it('keeps every update a reader received, across random kills and kills during compaction', async () => {
		const next = random(20_261_128);
		const groupId = randomId();
		const token = newToken();
		// Small compaction thresholds so compactions happen all the time, not only when forced.
		const settings = { dataDir, compactAfterUpdates: 15, logLevel: 'debug' as const };
		relay = await spawnRelay(settings);
		const port = relay.port;
		const writer = connectMember(relay.wsUrl, groupId, { token, create: true });
		members.push(writer);
		await eventually(() => writer.provider.synced);
		const readers = Array.from({ length: READERS }, () => connectMember(relay!.wsUrl, groupId, { token }));
		members.push(...readers);
		const stream = writer.doc.getArray<number>('stream');
		let counter = 0;
		let checked = 0;

		const round = async (killDuringCompaction: boolean, restart: Parameters<typeof spawnRelay>[0]) => {
			await Promise.all([writer, ...readers].map((m) => eventually(() => m.provider.synced)));
			const streaming = setInterval(() => stream.push([counter++]), 2);
			try {
				if (killDuringCompaction) {
					const started = relay!.logs.length;
					await relay!.waitForLog((line) => line.msg === 'compaction started' && relay!.logs.indexOf(line) >= started);
				} else {
					await new Promise((resolve) => setTimeout(resolve, 30 + next() * 120));
				}
				// What the readers hold now was passed on by the relay, so it must be stored already.
				const received = readers.map((reader) => reader.doc.getArray<number>('stream').toArray());
				expect(await relay!.kill('SIGKILL')).toBe(null);
				const stored = await storedValues(groupId);
				for (const values of received) {
					for (const value of values) expect(stored.has(value), `update ${value} was received but not stored`).toBe(true);
					checked += values.length;
				}
			} finally {
				clearInterval(streaming);
			}
			relay = await spawnRelay(restart);
		};

		const plain = { ...settings, port };
		// Compactions held open inside their transaction, so a kill lands in the middle of one.
		const paused = { ...plain, compactionPauseMs: 200 };
		for (let i = 0; i < ROUNDS; i++) await round(false, i === ROUNDS - 1 ? paused : plain);
		for (let i = 0; i < 3; i++) await round(true, i === 2 ? plain : paused);

		// Everyone converges on everything the writer wrote, and so does the stored group.
		await eventually(() => {
			for (const reader of readers) expect(reader.doc.getArray('stream').length).toBe(counter);
		}, 20_000);
		await relay.kill('SIGKILL');
		expect((await storedValues(groupId)).size).toBe(counter);
		expect(checked).toBeGreaterThan(ROUNDS * READERS);
	}, 120_000);
});

/** A raw sync connection: resolves with the socket once the relay accepted it (101), or with its HTTP refusal. */
function upgrade(url: string): Promise<{ ws: WebSocket } | { status: number; error: string }> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.once('open', () => resolve({ ws }));
		ws.once('unexpected-response', (_req, res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, error: (JSON.parse(text) as { error: string }).error }));
		});
		ws.once('error', reject);
	});
}

describe('new groups registered just before a kill -9', () => {
	it('are stored with their owner token once their first connection is accepted; a wrong token is still refused after the restart', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'commonplace-register-kill-'));
		const sockets: WebSocket[] = [];
		let spawned = await spawnRelay({ dataDir: dir });
		try {
			// Many first connections of new groups at once; the relay is killed as soon as the fifth is let in.
			const groups = Array.from({ length: 40 }, () => ({ groupId: randomId(), token: newToken() }));
			const accepted: typeof groups = [];
			let killed: Promise<number | null> | null = null;
			const fifth = new Promise<void>((resolve) => {
				for (const group of groups) {
					upgrade(`${spawned.wsUrl}/${group.groupId}?token=${group.token}&create=1`).then(
						(result) => {
							if (!('ws' in result) || killed) return;
							sockets.push(result.ws);
							accepted.push(group);
							if (accepted.length === 5) resolve();
						},
						() => {}
					);
				}
			});
			await fifth;
			killed = spawned.kill('SIGKILL');
			expect(await killed).toBe(null);
			for (const { groupId } of accepted) {
				expect(await storedRowCounts(dir, groupId, ['auth_groups', 'auth_tokens']), `group ${groupId} was accepted but not stored`).toEqual({ auth_groups: 1, auth_tokens: 1 });
			}

			spawned = await spawnRelay({ dataDir: dir });
			const [{ groupId, token }] = accepted;
			const owner = connectMember(spawned.wsUrl, groupId, { token });
			members.push(owner);
			await eventually(() => owner.provider.synced);
			expect(await upgrade(`${spawned.wsUrl}/${groupId}?token=${newToken()}`)).toEqual({ status: 401, error: 'bad-token' });
			expect(await upgrade(`${spawned.wsUrl}/${groupId}?token=${newToken()}&create=1`)).toEqual({ status: 403, error: 'group-exists' });
		} finally {
			for (const ws of sockets) ws.terminate();
			await spawned.kill('SIGKILL');
			rmSync(dir, { recursive: true, force: true });
		}
	}, 60_000);
});

describe('a compaction that holds the write lock for long', () => {
	it('makes the updates that arrive meanwhile wait, not fail: no one is disconnected and every reader gets them', async () => {
		const groupId = randomId();
		const token = newToken();
		// The swap of a big group on a slow disk, played by a compaction held 6 s inside its
		// transaction: longer than SQLite's usual 5 s wait for a lock. The members' "last seen" times,
		// noted as they connected, fall due meanwhile too.
		const slow = await spawnRelay({ compactAfterUpdates: 3, compactionPauseMs: 6_000, logLevel: 'debug' });
		try {
			const writer = connectMember(slow.wsUrl, groupId, { token, create: true });
			const reader = connectMember(slow.wsUrl, groupId, { token });
			members.push(writer, reader);
			await Promise.all([writer, reader].map((member) => eventually(() => member.provider.synced)));
			const closes: number[] = [];
			for (const member of [writer, reader]) member.provider.on('connection-close', (event: { code?: number } | null) => closes.push(event?.code ?? 0));
			const stream = writer.doc.getArray<number>('stream');
			const before = slow.logs.length;
			for (let i = 0; i < 4; i++) stream.push([i]);
			await slow.waitForLog((line) => line.msg === 'compaction started' && slow.logs.indexOf(line) >= before, 20_000);
			stream.push([4]);
			await eventually(() => expect(reader.doc.getArray<number>('stream').toArray()).toEqual([0, 1, 2, 3, 4]), 30_000);
			expect(closes).toEqual([]);
			expect(slow.logs.filter((line) => line.msg === 'update not stored')).toEqual([]);
		} finally {
			await slow.stop();
		}
	}, 60_000);
});
