// Three relay processes as one cluster on the real PostgreSQL and Redis: members spread over them
// converge and see each other's presence, a revocation on one process closes a member on another,
// a process killed with SIGKILL loses nothing its members received, a Redis restart loses nothing
// that reached PostgreSQL, and compaction under load (by the relays and `npm run worker`) loses
// nothing and runs on one process at a time. Role changes, removals and feed replacements made
// through one process hold on the others, and the operator's CLI and --demo work on the cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { commandLineFor, environmentFor, resolveConfig, type RelayConfig } from '../../server/config.ts';
import { DEMO_GROUP_ID, seedDemoGroup } from '../../server/demo.ts';
import { openRelayStorage } from '../../server/storage.ts';
import { openPool } from '../../server/cluster/schema.ts';
import { streamKeys } from '../../server/cluster/keys.ts';
import { addItem, createGroup, getGroupInfo, hasGroup, randomId, readAllItems } from '../../src/lib/model/index.ts';
import { CloseCode } from '../../src/lib/rules/index.ts';
import { clusterSettings, freshClusterName, removeCluster, testDatabaseUrl, testRedisUrl } from '../helpers/cluster.ts';
import { runAdmin } from '../helpers/admin.ts';
import { startOwnRedis } from '../helpers/redis-server.ts';
import { connectMember, eventually, newToken, spawnRelay, type SpawnedRelay, type TestMember } from '../helpers/relay.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Cluster {
	name: string;
	relays: SpawnedRelay[];
}

async function startCluster(count: number, overrides: Partial<RelayConfig> = {}): Promise<Cluster> {
	const name = freshClusterName();
	cleanups.push(() => removeCluster(name));
	const relays = await Promise.all(Array.from({ length: count }, () => spawnRelay({ ...clusterSettings(name), ...overrides })));
	for (const relay of relays) cleanups.push(() => relay.stop());
	return { name, relays };
}

function member(relay: SpawnedRelay, groupId: string, token: string, create = false, doc?: Y.Doc): TestMember {
	const joined = connectMember(relay.wsUrl, groupId, { token, create, doc });
	cleanups.push(() => joined.destroy());
	return joined;
}

const titles = (doc: Y.Doc) => readAllItems(doc).map((item) => item.title).sort();

/** Items in `doc` written by someone other than `writer`: what it received through the relays. */
const received = (doc: Y.Doc, writer: string) => titles(doc).filter((title) => !title.startsWith(`${writer}-`));

async function api(relay: SpawnedRelay, method: string, path: string, token: string, body?: object) {
	const res = await fetch(`${relay.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

/** A group created on `relay`, with its owner connected there. */
async function groupOn(relay: SpawnedRelay) {
	const groupId = randomId();
	const token = newToken();
	const owner = member(relay, groupId, token, true);
	createGroup(owner.doc, { memberId: 'owner' }, { name: 'Cluster' });
	await eventually(() => owner.provider.synced);
	return { groupId, token, owner };
}

/** Everything PostgreSQL holds of the group, folded into one doc. */
async function storedDoc(clusterName: string, groupId: string): Promise<Y.Doc> {
	const pool = openPool(testDatabaseUrl, clusterName, 1);
	try {
		const snapshot = await pool.query<{ body: Buffer }>('SELECT body FROM group_snapshots WHERE group_id = $1', [groupId]);
		const log = await pool.query<{ body: Buffer }>('SELECT body FROM group_updates WHERE group_id = $1 ORDER BY seq', [groupId]);
		const doc = new Y.Doc();
		for (const row of [...snapshot.rows, ...log.rows]) Y.applyUpdate(doc, row.body);
		return doc;
	} finally {
		await pool.end();
	}
}

/**
 * Writers that each add an item every few milliseconds until stopped, while their connection is
 * synced: right after a reconnect, edits this fast would reach the relay before the client's answer
 * to its sync step 1, and three such in a row are refused as changes with missing dependencies.
 */
function writeContinuously(writers: { name: string; member: () => TestMember }[]) {
	let running = true;
	const counts = new Map(writers.map((w) => [w.name, 0]));
	const loops = writers.map(async (writer) => {
		while (running) {
			if (!writer.member().provider.synced) {
				await new Promise((r) => setTimeout(r, 15));
				continue;
			}
			const n = counts.get(writer.name)!;
			counts.set(writer.name, n + 1);
			addItem(writer.member().doc, { memberId: writer.name }, { url: `https://example.org/${writer.name}/${n}`, title: `${writer.name}-${String(n).padStart(4, '0')}` });
			await new Promise((r) => setTimeout(r, 15));
		}
	});
	return {
		async stop() {
			running = false;
			await Promise.all(loops);
		}
	};
}

describe('a cluster member that cannot reach its services', () => {
	it('says which one is missing, and does not start', async () => {
		const name = freshClusterName();
		cleanups.push(() => removeCluster(name));
		await expect(spawnRelay({ ...clusterSettings(name), redisUrl: 'redis://127.0.0.1:1' })).rejects.toThrow(/Redis at 127\.0\.0\.1:1 \(REDIS_URL\) is not reachable/);
		await expect(spawnRelay({ ...clusterSettings(name), databaseUrl: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow(
			/PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL\) is not usable/
		);
	});
});

describe('CI before the cluster tests', () => {
	/** `.ci/check-services.mjs` with the services it is told to look for. */
	function checkServices(env: Record<string, string>) {
		return new Promise<{ code: number | null; output: string }>((resolveRun) => {
			const child = spawn(process.execPath, ['.ci/check-services.mjs'], { cwd: resolve(import.meta.dirname, '../..'), env: { ...process.env, ...env } });
			let output = '';
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
			child.once('exit', (code) => resolveRun({ code, output }));
		});
	}

	it('says which of PostgreSQL and Redis is missing, and passes when both answer', async () => {
		const both = { TEST_DATABASE_URL: testDatabaseUrl, TEST_REDIS_URL: testRedisUrl };
		expect(await checkServices(both)).toMatchObject({ code: 0 });
		const noRedis = await checkServices({ ...both, TEST_REDIS_URL: 'redis://127.0.0.1:1' });
		expect(noRedis.code).toBe(1);
		expect(noRedis.output).toMatch(/Redis is not reachable at 127\.0\.0\.1:1/);
		expect(noRedis.output).toMatch(/PostgreSQL: reachable/);
		const noPostgres = await checkServices({ ...both, TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
		expect(noPostgres.code).toBe(1);
		expect(noPostgres.output).toMatch(/PostgreSQL is not reachable at 127\.0\.0\.1:1/);
		expect(noPostgres.output).not.toMatch(/Redis is not reachable/);
	});
});

describe('a cluster of three relay processes', () => {
	it('brings members spread over the processes to the same group, presence included', async () => {
		const { relays } = await startCluster(3);
		const { groupId, token, owner } = await groupOn(relays[0]);
		const others = [member(relays[1], groupId, token), member(relays[2], groupId, token)];
		await eventually(() => others.every((m) => m.provider.synced));
		[owner, ...others].forEach((m, i) => {
			for (let n = 0; n < 5; n++) addItem(m.doc, { memberId: `m${i}` }, { url: `https://example.org/${i}/${n}`, title: `m${i}-${n}` });
		});
		await eventually(() => [owner, ...others].every((m) => titles(m.doc).length === 15), 20_000);
		expect(titles(others[0].doc)).toEqual(titles(owner.doc));
		expect(titles(others[1].doc)).toEqual(titles(owner.doc));
		expect(Y.encodeStateVector(others[1].doc)).toEqual(Y.encodeStateVector(owner.doc));

		owner.provider.awareness.setLocalStateField('user', { name: 'Owner on the first process' });
		const seenBy = (m: TestMember) => [...m.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string } | undefined)?.name === 'Owner on the first process');
		await eventually(() => seenBy(others[0]) && seenBy(others[1]), 20_000);
		owner.provider.awareness.setLocalState(null);
		await eventually(() => !seenBy(others[0]) && !seenBy(others[1]), 20_000);

		// A member joining later on any process gets everything.
		const late = member(relays[2], groupId, token);
		await eventually(() => titles(late.doc).length === 15, 20_000);
	});

	it('closes a member on one process when its link is revoked on another', async () => {
		const { relays } = await startCluster(3);
		const { groupId, token } = await groupOn(relays[0]);
		const invite = (await api(relays[1], 'POST', `/api/groups/${groupId}/invites`, token, { role: 'editor', label: 'Club' })).json;
		const guest = member(relays[2], groupId, invite.token);
		await eventually(() => guest.provider.synced);
		const closed = new Promise<number>((resolveClose) => guest.provider.on('connection-close', (event) => resolveClose(event?.code ?? 0)));
		expect((await api(relays[0], 'DELETE', `/api/groups/${groupId}/invites/${invite.id}`, token)).status).toBe(204);
		expect(await closed).toBe(CloseCode.revoked);
		guest.provider.disconnect();
		// Refused everywhere afterwards.
		for (const relay of relays) expect((await api(relay, 'GET', `/api/groups/${groupId}/me`, invite.token)).status).toBe(401);
	});

	it('applies a role change, a removal and a feed replacement made through one process on every other', async () => {
		const { relays } = await startCluster(3);
		const { groupId, token, owner } = await groupOn(relays[0]);
		const base = `/api/groups/${groupId}`;
		const invite = (await api(relays[1], 'POST', `${base}/invites`, token, { role: 'editor', label: 'Ana', single: true })).json;
		const joined = (await api(relays[1], 'POST', `${base}/join`, invite.token, { name: 'Ana' })).json;
		const ana = member(relays[2], groupId, joined.token);
		await eventually(() => ana.provider.synced);
		const closes: number[] = [];
		ana.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));

		// Made a viewer through the first process: the third closes her connection, she comes back as a viewer.
		expect((await api(relays[0], 'PATCH', `${base}/members/${joined.memberId}`, token, { role: 'viewer' })).json).toMatchObject({ role: 'viewer' });
		await eventually(() => closes.length > 0 && ana.provider.synced, 20_000);
		expect(closes[0]).toBe(CloseCode.accessChanged);
		addItem(ana.doc, { memberId: 'ana' }, { url: 'https://example.org/ana', title: 'by a viewer' });
		addItem(owner.doc, { memberId: 'owner' }, { url: 'https://example.org/owner', title: 'by the owner' });
		await eventually(() => titles(ana.doc).includes('by the owner'), 20_000);
		expect(titles(owner.doc)).toEqual(['by the owner']);
		expect((await api(relays[1], 'GET', `${base}/me`, joined.token)).json.role).toBe('viewer');

		// Removed through the second process: closed on the third, refused by all.
		expect((await api(relays[1], 'DELETE', `${base}/members/${joined.memberId}`, token)).status).toBe(204);
		await eventually(() => closes.includes(CloseCode.removed), 20_000);
		ana.provider.disconnect();
		for (const relay of relays) expect((await api(relay, 'GET', `${base}/me`, joined.token)).status).toBe(401);

		// Feed links replaced through one process: the old ones stop working on every process.
		const links = (await api(relays[0], 'GET', `${base}/feed`, token)).json;
		expect((await fetch(`${relays[2].url}${links.rss}`)).status).toBe(200);
		const next = (await api(relays[1], 'POST', `${base}/feed/rotate`, token)).json;
		for (const relay of relays) {
			expect((await fetch(`${relay.url}${links.rss}`)).status).toBe(401);
			expect((await fetch(`${relay.url}${next.rss}`)).status).toBe(200);
		}
	});

	it('loses nothing any member received when a process is killed with SIGKILL while writers write', async () => {
		const { name, relays } = await startCluster(3);
		const { groupId, token, owner } = await groupOn(relays[0]);
		const onSecond = member(relays[1], groupId, token);
		const onThird = member(relays[2], groupId, token);
		await eventually(() => onSecond.provider.synced && onThird.provider.synced);
		let moved: TestMember | null = null;
		const writing = writeContinuously([
			{ name: 'a', member: () => owner },
			{ name: 'b', member: () => moved ?? onSecond },
			{ name: 'c', member: () => onThird }
		]);
		await eventually(() => received(onThird.doc, 'c').length > 40, 20_000);
		expect(await relays[1].kill('SIGKILL')).toBe(null);
		const receivedBeforeKill = new Set([...received(owner.doc, 'a'), ...received(onSecond.doc, 'b'), ...received(onThird.doc, 'c')]);
		// Its member reconnects to another process (as a load balancer would send it), keeping its doc.
		onSecond.provider.destroy();
		moved = member(relays[2], groupId, token, false, onSecond.doc);
		await eventually(() => moved!.provider.synced, 20_000);
		await new Promise((r) => setTimeout(r, 500));
		await writing.stop();
		const writers = [owner, moved, onThird];
		await eventually(() => writers.every((m) => titles(m.doc).join() === titles(owner.doc).join()), 30_000);
		const everything = titles(owner.doc);
		for (const title of receivedBeforeKill) expect(everything).toContain(title);
		// A fresh member, and PostgreSQL itself, hold every update any member received.
		const reader = member(relays[0], groupId, token);
		await eventually(() => titles(reader.doc).length === everything.length, 20_000);
		expect(titles(reader.doc)).toEqual(everything);
		expect(titles(await storedDoc(name, groupId))).toEqual(everything);
	});

	it('keeps everything that reached PostgreSQL when Redis restarts (and empties), then shares updates again', async () => {
		// A Redis of this test's own, so stopping it disturbs no other test.
		const redis = await startOwnRedis();
		cleanups.push(() => redis.stop());
		const { name, relays } = await startCluster(3, { redisUrl: redis.url });
		const { groupId, token, owner } = await groupOn(relays[0]);
		const onThird = member(relays[2], groupId, token);
		// Only reads: its process stores nothing meanwhile, so it learns of what it missed from PostgreSQL.
		const watcher = member(relays[1], groupId, token);
		await eventually(() => onThird.provider.synced && watcher.provider.synced);
		const writing = writeContinuously([
			{ name: 'a', member: () => owner },
			{ name: 'c', member: () => onThird }
		]);
		await eventually(() => received(onThird.doc, 'c').length > 30 && received(owner.doc, 'a').length > 30, 20_000);
		await redis.stop();
		// The promise: every update a member received from another was in PostgreSQL before it was passed on.
		const receivedBeforeStop = [...received(owner.doc, 'a'), ...received(onThird.doc, 'c')];
		const inPostgres = titles(await storedDoc(name, groupId));
		for (const title of receivedBeforeStop) expect(inPostgres).toContain(title);
		// Stored in PostgreSQL while no stream could take it.
		addItem(owner.doc, { memberId: 'a' }, { url: 'https://example.org/away', title: 'while Redis was away' });
		await new Promise((r) => setTimeout(r, 500));
		await redis.start();
		await new Promise((r) => setTimeout(r, 1_000));
		await writing.stop();
		// Both members reconnect as needed and converge; nothing that was in PostgreSQL is gone.
		await eventually(() => titles(onThird.doc).join() === titles(owner.doc).join(), 30_000);
		for (const title of inPostgres) expect(titles(owner.doc)).toContain(title);
		// Updates cross processes again.
		addItem(owner.doc, { memberId: 'a' }, { url: 'https://example.org/after', title: 'after the restart' });
		await eventually(() => titles(onThird.doc).includes('after the restart'), 20_000);
		const reader = member(relays[1], groupId, token);
		await eventually(() => titles(reader.doc).join() === titles(owner.doc).join(), 20_000);
		await eventually(() => titles(watcher.doc).join() === titles(owner.doc).join(), 20_000);
		expect(titles(watcher.doc)).toContain('while Redis was away');
		expect(titles(await storedDoc(name, groupId))).toEqual(titles(owner.doc));
	});

	it('compacts under load without losing anything, one process at a time, and trims the stream only below PostgreSQL', async () => {
		const settings: Partial<RelayConfig> = { compactAfterUpdates: 10, compactionIntervalMs: 100, streamRetainMs: 0, logLevel: 'debug' };
		const { name, relays } = await startCluster(3, settings);
		const worker = await spawnWorker({ ...clusterSettings(name), ...settings });
		cleanups.push(() => worker.stop());
		const { groupId, token, owner } = await groupOn(relays[0]);
		const onSecond = member(relays[1], groupId, token);
		const onThird = member(relays[2], groupId, token);
		await eventually(() => onSecond.provider.synced && onThird.provider.synced);
		const writing = writeContinuously([
			{ name: 'a', member: () => owner },
			{ name: 'b', member: () => onSecond },
			{ name: 'c', member: () => onThird }
		]);
		const compactions = () => [...relays.flatMap((r) => r.logs), ...worker.logs].filter((l) => l.msg === 'compaction finished' && l.groupId === groupId && Number(l.folded) > 0);
		await eventually(() => compactions().length >= 5, 30_000);
		await writing.stop();
		const writers = [owner, onSecond, onThird];
		await eventually(() => writers.every((m) => titles(m.doc).join() === titles(owner.doc).join()), 30_000);
		const everything = titles(owner.doc);
		expect(titles(await storedDoc(name, groupId))).toEqual(everything);
		const reader = member(relays[0], groupId, token);
		await eventually(() => titles(reader.doc).join() === everything.join(), 20_000);

		// Per group, compactions never overlap, whichever process ran them.
		const events = [...relays.flatMap((r) => r.logs), ...worker.logs]
			.filter((l) => (l.msg === 'compaction started' || l.msg === 'compaction finished') && l.groupId === groupId)
			.sort((x, y) => Number(x.at) - Number(y.at) || (x.msg === 'compaction finished' ? -1 : 1));
		const processes = new Set(events.map((e) => e.processId));
		expect(processes.size).toBeGreaterThan(1);
		for (let i = 0; i < events.length; i++) expect(events[i].msg).toBe(i % 2 === 0 ? 'compaction started' : 'compaction finished');
		for (let i = 1; i < events.length; i += 2) expect(events[i].processId).toBe(events[i - 1].processId);

		// The stream was trimmed, but only of updates already folded into PostgreSQL's snapshot.
		const redis = new Redis(testRedisUrl);
		cleanups.push(() => void redis.disconnect());
		const left = await redis.xlen(streamKeys(name).updates(groupId));
		const written = everything.length;
		expect(left).toBeLessThan(written);
	});
});

describe('the operator on a cluster', () => {
	/** `npm run admin` with the cluster's settings in its environment, as an operator runs it. */
	async function admin(clusterName: string, ...args: string[]) {
		const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-admin-'));
		cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
		return runAdmin(dataDir, args, { ...environmentFor(clusterSettings(clusterName)), CLUSTER_NAME: clusterName, PUBLIC_ORIGIN: 'https://commonplace.example.org' });
	}

	it('creates, lists, revokes, deletes and backs up with npm run admin, and every process acts on it', async () => {
		const { name, relays } = await startCluster(3);
		const created = await admin(name, 'create-group', 'Club & Co');
		expect(created.code).toBe(0);
		const [, groupId, token] = /\/join\/([0-9a-f]{32})#([A-Za-z0-9_-]{22,})/.exec(created.stdout)!;
		const owner = member(relays[1], groupId, token);
		await eventually(() => owner.provider.synced && hasGroup(owner.doc), 20_000);
		expect(getGroupInfo(owner.doc).name).toBe('Club & Co');
		addItem(owner.doc, { memberId: 'owner' }, { url: 'https://example.org/kept', title: 'kept' });

		const invite = (await api(relays[2], 'POST', `/api/groups/${groupId}/invites`, token, { role: 'editor', label: 'Club' })).json;
		const guest = member(relays[0], groupId, invite.token);
		const reader = member(relays[2], groupId, token);
		await eventually(() => guest.provider.synced && titles(reader.doc).includes('kept'), 20_000);
		const listed = await admin(name, 'list-groups');
		expect(listed.stdout).toMatch(new RegExp(`${groupId}\\s+0\\s+1\\s+1\\s+0\\s+0\\s+Club & Co`));
		expect((await admin(name, 'invites', groupId)).stdout).toContain(invite.id);

		const guestClosed = new Promise<number>((resolveClose) => guest.provider.on('connection-close', (event) => resolveClose(event?.code ?? 0)));
		expect((await admin(name, 'revoke', groupId, invite.id)).code).toBe(0);
		expect(await guestClosed).toBe(CloseCode.revoked);
		guest.provider.disconnect();

		const backupFile = join(mkdtempSync(join(tmpdir(), 'commonplace-cluster-backup-')), 'cluster.dump');
		cleanups.push(() => rmSync(resolve(backupFile, '..'), { recursive: true, force: true }));
		const backup = await admin(name, 'backup', backupFile);
		expect(backup.code).toBe(0);
		expect(backup.stdout).toMatch(/pg_restore/);
		expect(statSync(backupFile).size).toBeGreaterThan(0);

		// Deleted by the CLI: the members on both processes are closed, and nothing of the group is left.
		const closes = [owner, reader].map((m) => new Promise<number>((resolveClose) => m.provider.on('connection-close', (event) => resolveClose(event?.code ?? 0))));
		const deleted = await admin(name, 'delete-group', groupId);
		expect(deleted.code).toBe(0);
		expect(await Promise.all(closes)).toEqual([CloseCode.groupDeleted, CloseCode.groupDeleted]);
		owner.provider.disconnect();
		reader.provider.disconnect();
		expect(titles(await storedDoc(name, groupId))).toEqual([]);
		const redis = new Redis(testRedisUrl);
		cleanups.push(() => void redis.disconnect());
		expect(await redis.exists(streamKeys(name).updates(groupId))).toBe(0);
		expect((await admin(name, 'delete-group', groupId)).stderr).toMatch(/already deleted/);
		for (const relay of relays) expect((await api(relay, 'GET', `/api/groups/${groupId}/me`, token)).status).toBe(410);
	});

	it('stores the sample group once for processes started with --demo, and each prints an owner link to it', async () => {
		const { name, relays } = await startCluster(3, { demo: true });
		// Logged and printed once the relay listens.
		await eventually(() => relays.every((r) => /#[A-Za-z0-9_-]{22,}/.test(r.stderr()) && r.logs.some((l) => String(l.msg).startsWith('sample group'))));
		expect(relays.flatMap((r) => r.logs).filter((l) => l.msg === 'sample group created')).toHaveLength(1);
		const links = relays.map((relay) => /\/join\/([A-Za-z0-9_-]+)#([A-Za-z0-9_-]+)/.exec(relay.stderr()));
		expect(links.every(Boolean)).toBe(true);
		const stored = titles(await storedDoc(name, links[0]![1]));
		expect(stored).toHaveLength(10);
		// Each link opens the same group as its owner, through any process.
		for (const [i, link] of links.entries()) {
			const owner = member(relays[(i + 1) % 3], link![1], link![2]);
			await eventually(() => titles(owner.doc).length === 10, 20_000);
			expect(titles(owner.doc)).toEqual(stored);
		}
	});

	it('stores the sample group once when two processes seed it at the same moment', async () => {
		const name = freshClusterName();
		cleanups.push(() => removeCluster(name));
		const config = resolveConfig({ ...clusterSettings(name), demo: true });
		// Two storages with a connection each, as two processes have.
		const storages = await Promise.all([openRelayStorage(config), openRelayStorage(config)]);
		for (const storage of storages) cleanups.push(() => storage.close());
		const seeded = await Promise.all(storages.map((storage) => seedDemoGroup(storage, config)));
		expect(seeded.map((s) => s.created).sort()).toEqual([false, true]);
		expect(titles(await storedDoc(name, DEMO_GROUP_ID))).toHaveLength(10);
		// Stored once: one update in the log (items keep their ids, so a second copy would not show as more items).
		const pool = openPool(testDatabaseUrl, name, 1);
		cleanups.push(() => pool.end());
		expect((await pool.query('SELECT 1 FROM group_updates WHERE group_id = $1', [DEMO_GROUP_ID])).rowCount).toBe(1);
	});
});

/** `npm run worker` as a child process with the cluster's settings; its JSON log lines collected. */
async function spawnWorker(settings: Partial<RelayConfig>) {
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/worker.ts', ...commandLineFor(settings)], {
		cwd: resolve(import.meta.dirname, '../..'),
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, ...environmentFor(settings) }
	});
	const logs: Record<string, unknown>[] = [];
	let pending = '';
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		pending += chunk;
		let newline: number;
		while ((newline = pending.indexOf('\n')) >= 0) {
			try {
				logs.push(JSON.parse(pending.slice(0, newline)) as Record<string, unknown>);
			} catch {
				// Not a log line.
			}
			pending = pending.slice(newline + 1);
		}
	});
	const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
	await eventually(() => {
		if (child.exitCode !== null) throw new Error(`The worker exited: ${stderr}`);
		return logs.some((l) => l.msg === 'worker started');
	}, 20_000);
	return {
		logs,
		async stop() {
			if (child.exitCode === null) child.kill('SIGTERM');
			await exited;
		}
	};
}
