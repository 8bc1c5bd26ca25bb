// Hostile clients against a real relay, each the path an outside audit found: a raw WebSocket speaks
// y-protocols to a relay on port 0, and the relay must refuse the sender alone, keep memory bounded,
// keep others served, and confirm nothing that is not on disk.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import { WebSocket } from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { addItem, createGroup, randomId, readAllItems } from '../../src/lib/model/index.ts';
import type { RelayConfig } from '../../server/config.ts';
import { runAdmin } from '../helpers/admin.ts';
import {
	connectMember,
	eventually,
	holdStoreWrites,
	newToken,
	relayMode,
	spawnRelay,
	startTestRelay,
	storedGroupRows,
	storedRelaySecret,
	restoreBackup,
	type TestMember,
	type TestRelay
} from '../helpers/relay.ts';

// ws builds raw frames with its Sender (not in its type declarations).
const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] } };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayWith(overrides: Partial<RelayConfig> = {}): Promise<TestRelay> {
	const relay = await startTestRelay(overrides);
	cleanups.push(() => relay.stop());
	return relay;
}

function member(relay: TestRelay, groupId: string, token: string, create = false): TestMember {
	const m = connectMember(relay.wsUrl, groupId, { token, create });
	cleanups.push(() => m.destroy());
	return m;
}

/** A group with an owner who is synced and has one item; returns the owner's member. */
async function groupOn(relay: TestRelay, groupId: string, token: string): Promise<TestMember> {
	const owner = member(relay, groupId, token, true);
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'owner' }, { name: 'Hardening' });
	addItem(owner.doc, { memberId: 'owner' }, { url: 'https://example.org/one', title: 'One' });
	await eventually(async () => expect(readAllItems((await relay.relay.loadGroupDoc(groupId))!).length).toBe(1));
	return owner;
}

/** A raw y-protocols client: every message it received, and how its connection ended. */
interface RawClient {
	socket: WebSocket;
	received: Uint8Array[];
	closed: Promise<{ code: number; reason: string }>;
	send(message: Uint8Array): void;
}

async function rawClient(relay: { wsUrl: string }, groupId: string, token: string, headers: Record<string, string> = {}): Promise<RawClient> {
	const socket = new WebSocket(`${relay.wsUrl}/${groupId}?token=${token}`, { headers });
	const received: Uint8Array[] = [];
	socket.binaryType = 'nodebuffer';
	socket.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
	socket.on('error', () => {});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	await new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve());
		socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
	});
	cleanups.push(() => socket.terminate());
	return { socket, received, closed, send: (message) => socket.send(message) };
}

/**
 * Writes WebSocket frames to the client's socket in one write, so the relay reads them together.
 * `fin: false` starts or continues a fragmented message; `continuation` marks the frames after the first.
 */
function writeFrames(client: RawClient, frames: { data: Uint8Array; fin?: boolean; continuation?: boolean }[]): void {
	const parts: Buffer[] = [];
	for (const frame of frames) {
		const list = Sender.frame(Buffer.from(frame.data), {
			fin: frame.fin ?? true,
			mask: true,
			opcode: frame.continuation ? 0 : 2,
			readOnly: false,
			rsv1: false
		});
		parts.push(...list);
	}
	(client.socket as unknown as { _socket: { write(data: Buffer): void } })._socket.write(Buffer.concat(parts));
}

function syncMessage(step: number, body: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, step);
	encoding.writeVarUint8Array(encoder, body);
	return encoding.toUint8Array(encoder);
}

function awarenessMessage(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(inner, entry.clientId);
		encoding.writeVarUint(inner, entry.clock);
		encoding.writeVarString(inner, JSON.stringify(entry.state));
	}
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1);
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
	return encoding.toUint8Array(encoder);
}

/** The kind of a message the relay sent: 'sync-1', 'sync-2', 'update', 'awareness'. */
function kindOf(message: Uint8Array): string {
	const decoder = decoding.createDecoder(message);
	const type = decoding.readVarUint(decoder);
	if (type === 1) return 'awareness';
	const step = decoding.readVarUint(decoder);
	return step === 0 ? 'sync-1' : step === 1 ? 'sync-2' : 'update';
}

/** The Yjs update a sync-2 or update message carries. */
function updateOf(message: Uint8Array): Uint8Array {
	const decoder = decoding.createDecoder(message);
	decoding.readVarUint(decoder);
	decoding.readVarUint(decoder);
	return decoding.readVarUint8Array(decoder);
}

/** A digest of everything stored of a group, straight from the relay's storage. */
async function storedDigest(relay: { dataDir: string }, groupId: string): Promise<string> {
	const { snapshots, updates } = await storedGroupRows(relay.dataDir, groupId);
	const hash = createHash('sha256');
	for (const body of snapshots) hash.update(body);
	for (const row of updates) hash.update(String(row.seq)).update(row.body);
	return hash.digest('hex');
}

async function metricsOf(relay: TestRelay): Promise<string> {
	return (await fetch(`${relay.url}/metrics`)).text();
}

async function invite(relay: TestRelay, groupId: string, ownerToken: string, role: 'editor' | 'viewer'): Promise<string> {
	const res = await fetch(`${relay.url}/api/groups/${groupId}/invites`, {
		method: 'POST',
		headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ role, label: role })
	});
	expect(res.status).toBe(201);
	return ((await res.json()) as { token: string }).token;
}

async function feedToken(relay: TestRelay, groupId: string, ownerToken: string): Promise<string> {
	const res = await fetch(`${relay.url}/api/groups/${groupId}/feed`, { headers: { authorization: `Bearer ${ownerToken}` } });
	const links = (await res.json()) as { rss: string };
	return new URL(links.rss, relay.url).searchParams.get('token')!;
}

describe('bad tokens', () => {
	it('behind a trusted proxy, are counted by the forwarded address of a feed reader', async () => {
		const relay = await relayWith({ trustProxy: true, openCreation: true });
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const feed = (address: string, feedToken: string) =>
			fetch(`${relay.url}/feeds/${groupId}.rss?token=${feedToken}`, { headers: { 'x-forwarded-for': `203.0.113.7, ${address}` } });
		for (let i = 0; i < 25; i++) await feed('198.51.100.66', newToken());
		expect((await feed('198.51.100.66', newToken())).status).toBe(429);
		// Another reader behind the same proxy is judged on its own.
		expect((await feed('198.51.100.7', newToken())).status).toBe(401);
		expect((await feed('198.51.100.7', await feedToken(relay, groupId, token))).status).toBe(200);
	});

	it('slow down and then refuse bad tokens from an address, never the good tokens from it', async () => {
		const relay = await relayWith({ trustProxy: true, openCreation: true });
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const nat = { 'x-forwarded-for': '198.51.100.80' };
		for (let i = 0; i < 25; i++) await fetch(`${relay.url}/feeds/${groupId}.rss?token=${newToken()}`, { headers: nat });
		expect((await fetch(`${relay.url}/feeds/${groupId}.rss?token=${newToken()}`, { headers: nat })).status).toBe(429);
		// The members behind that one address still get in: the feed, the API and sync.
		expect((await fetch(`${relay.url}/feeds/${groupId}.rss?token=${await feedToken(relay, groupId, token)}`, { headers: nat })).status).toBe(200);
		expect((await fetch(`${relay.url}/api/groups/${groupId}/me`, { headers: { ...nat, authorization: `Bearer ${token}` } })).status).toBe(200);
		const client = await rawClient(relay, groupId, token, nat);
		await eventually(() => client.received.length > 0);
		await expect(rawClient(relay, groupId, newToken(), nat)).rejects.toThrow(/429/);
	});
});

describe('a viewer', () => {
	it('has its changes dropped before they are decoded, and big ones refused', async () => {
		const relay = await relayWith({ maxPayloadBytes: 64 * 1024, maxUpdateBytes: 1024 * 1024 });
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const before = await storedDigest(relay, groupId);
		const viewer = await rawClient(relay, groupId, await invite(relay, groupId, token, 'viewer'));
		// Bytes that are no Yjs update at all: an editor sending them is refused as malformed; a
		// viewer's are dropped unread, so the relay never spends time decoding them.
		const junk = new Uint8Array(32 * 1024).map((_, i) => (i * 7919) & 0xff);
		viewer.send(syncMessage(2, junk));
		viewer.send(syncMessage(2, junk));
		viewer.send(syncMessage(0, Y.encodeStateVector(new Y.Doc())));
		await eventually(() => expect(viewer.received.map(kindOf)).toContain('sync-2'));
		expect(await metricsOf(relay)).toMatch(/relay_refusals_total\{reason="viewer-update"\} 2/);
		expect(await metricsOf(relay)).not.toMatch(/reason="bad-update"/);
		// A viewer's change larger than any message but a change may be: refused, as nothing of it would be kept.
		viewer.send(syncMessage(2, new Uint8Array(128 * 1024)));
		expect((await viewer.closed).code).toBe(4413);
		expect(await storedDigest(relay, groupId)).toBe(before);
	});
});

describe('big sync answers', () => {
	it('go out one at a time per connection: asking again meanwhile gets empty answers, in order', async () => {
		const relay = await relayWith({ sendBufferLimitBytes: 64 * 1024 });
		const groupId = randomId();
		const token = newToken();
		const owner = await groupOn(relay, groupId, token);
		owner.doc.getText('big').insert(0, 'x'.repeat(512 * 1024));
		await eventually(async () => expect((await relay.relay.loadGroupDoc(groupId))!.getText('big').length).toBe(512 * 1024));
		const viewerToken = await invite(relay, groupId, token, 'viewer');
		const step1 = syncMessage(0, Y.encodeStateVector(new Y.Doc()));

		// Five asks for the whole group in one go: one answer carries it, the others wait until it is
		// written and carry nothing (the client is up to date by then), so the relay holds one copy.
		const greedy = await rawClient(relay, groupId, viewerToken);
		writeFrames(greedy, [{ data: step1 }, { data: step1 }, { data: step1 }, { data: step1 }, { data: step1 }]);
		const answers = () => greedy.received.filter((m) => kindOf(m) === 'sync-2');
		await eventually(() => expect(answers().length).toBe(5), 20_000);
		const sizes = answers().map((m) => m.length);
		expect(sizes[0]).toBeGreaterThan(512 * 1024);
		for (const size of sizes.slice(1)) expect(size).toBeLessThan(64);
		expect(await metricsOf(relay)).toMatch(/relay_sync_answers_held_total 4/);
		expect(greedy.socket.readyState).toBe(WebSocket.OPEN);
		const served = new Y.Doc();
		for (const answer of answers()) Y.applyUpdate(served, updateOf(answer));
		expect(served.getText('big').length).toBe(512 * 1024);

		// Asking again once the answer was written gets a whole answer again.
		greedy.send(step1);
		await eventually(() => expect(answers().length).toBe(6));
		expect(answers()[5].length).toBeGreaterThan(512 * 1024);
	});
});

/** A change by `clientId` that builds on one it never sends: the relay lacks its dependency. */
function changeWithMissingDependency(clientId: number, bytes: number): { first: Uint8Array; second: Uint8Array } {
	const doc = new Y.Doc();
	doc.clientID = clientId;
	doc.getText('orphan').insert(0, 'a');
	const first = Y.encodeStateAsUpdate(doc);
	const vector = Y.encodeStateVector(doc);
	doc.getText('orphan').insert(1, 'b'.repeat(bytes));
	return { first, second: Y.encodeStateAsUpdate(doc, vector) };
}

describe('changes whose dependencies the relay never received', () => {
	it('are neither kept in memory nor served; the sender is asked for the rest, and refused if it keeps on', async () => {
		const relay = await relayWith({ messagesPerSecond: 1_000, messageBurst: 1_000 });
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const before = await storedDigest(relay, groupId);
		const editor = await rawClient(relay, groupId, await invite(relay, groupId, token, 'editor'));
		await eventually(() => expect(editor.received.map(kindOf)).toContain('sync-1'));
		const greetings = editor.received.filter((m) => kindOf(m) === 'sync-1').length;

		editor.send(syncMessage(2, changeWithMissingDependency(7001, 64 * 1024).second));
		// Asked for what the relay lacks; nothing of the change waits in the room.
		await eventually(() => expect(editor.received.filter((m) => kindOf(m) === 'sync-1').length).toBe(greetings + 1));
		const room = (await relay.relay.loadGroupDoc(groupId))!;
		expect(room.store.pendingStructs).toBeNull();
		// A member who syncs now is served only what is stored.
		const reader = await rawClient(relay, groupId, token);
		reader.send(syncMessage(0, Y.encodeStateVector(new Y.Doc())));
		await eventually(() => expect(reader.received.map(kindOf)).toContain('sync-2'));
		const served = new Y.Doc();
		Y.applyUpdate(served, updateOf(reader.received.find((m) => kindOf(m) === 'sync-2')!));
		expect(served.getText('orphan').length).toBe(0);
		expect(served.store.pendingStructs).toBeNull();

		editor.send(syncMessage(2, changeWithMissingDependency(7002, 64 * 1024).second));
		editor.send(syncMessage(2, changeWithMissingDependency(7003, 64 * 1024).second));
		expect((await editor.closed).code).toBe(4400);
		expect(await storedDigest(relay, groupId)).toBe(before);
		expect(room.store.pendingStructs).toBeNull();
	});

	it('from a client that sends the missing part when asked, are stored whole', async () => {
		const relay = await relayWith();
		const groupId = randomId();
		const token = newToken();
		const owner = await groupOn(relay, groupId, token);
		const editor = await rawClient(relay, groupId, token);
		const { first, second } = changeWithMissingDependency(7100, 10);
		editor.send(syncMessage(2, second));
		await eventually(() => expect(editor.received.filter((m) => kindOf(m) === 'sync-1').length).toBe(2));
		// What a y-websocket client answers to sync step 1: everything the relay lacks.
		const mine = new Y.Doc();
		Y.applyUpdate(mine, first);
		Y.applyUpdate(mine, second);
		const asked = editor.received.filter((m) => kindOf(m) === 'sync-1')[1];
		editor.send(syncMessage(1, Y.encodeStateAsUpdate(mine, updateOf(asked))));
		await eventually(() => expect(owner.doc.getText('orphan').toString()).toBe('a' + 'b'.repeat(10)));
		expect(editor.socket.readyState).toBe(WebSocket.OPEN);
	});
});

describe('a member coming back with offline edits to a group the relay is still loading', () => {
	it('is asked for them before it counts itself synced, so the changes it makes right then are never refused', async () => {
		const relay = await relayWith({ roomIdleMs: 50 });
		const groupId = randomId();
		const token = newToken();
		const owner = await groupOn(relay, groupId, token);
		// A group this big waits for its members' first asks when it loads, and answers them from storage.
		owner.doc.getText('big').insert(0, 'x'.repeat(1_100_000));
		await eventually(async () => expect((await relay.relay.loadGroupDoc(groupId))!.getText('big').length).toBe(1_100_000));
		owner.provider.disconnect();
		addItem(owner.doc, { memberId: 'owner' }, { url: 'https://example.org/offline', title: 'Offline' });
		// The relay unloads the group, so the member's first ask comes while it loads again.
		await eventually(() => relay.relay.roomsLoaded === 0);
		const closes: number[] = [];
		owner.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
		// The app lets its member type the moment it is synced; each change builds on the offline one.
		const typeOnSync = (isSynced: boolean) => {
			if (!isSynced) return;
			owner.provider.off('sync', typeOnSync);
			for (let i = 0; i < 3; i++) addItem(owner.doc, { memberId: 'owner' }, { url: `https://example.org/now/${i}`, title: `Now ${i}` });
		};
		owner.provider.on('sync', typeOnSync);
		owner.provider.connect();
		await eventually(async () => expect(readAllItems((await relay.relay.loadGroupDoc(groupId))!).length).toBe(5));
		// It holds the group, so it waited for the relay's doc and got only what it lacked, not the whole group from storage.
		expect(await metricsOf(relay)).not.toMatch(/relay_sync_answers_from_storage_total [1-9]/);
		expect(closes).toEqual([]);
		expect(owner.provider.wsconnected).toBe(true);
	});
});

describe('a change that decodes but cannot be applied', () => {
	/** A group's state by client 1, and a change to it (found by fuzzing) that makes Yjs throw halfway. */
	function poisoned(): { seed: Uint8Array; poison: Uint8Array; partly: Uint8Array } {
		const base = new Y.Doc();
		base.clientID = 1;
		const map = base.getMap('items');
		const text = new Y.Text();
		map.set('a', text);
		text.insert(0, 'hello');
		const array = new Y.Array();
		map.set('b', array);
		array.insert(0, [1, 'x', { a: 1 }]);
		text.delete(1, 2);
		const poison = Uint8Array.from(Buffer.from('01020200c402040105025a5a2701056974656d7301630101010202020701', 'hex'));
		// With a good change by another client in front, Yjs takes that part before it throws.
		const good = new Y.Doc();
		good.clientID = 3;
		good.getText('probe').insert(0, 'half');
		return { seed: Y.encodeStateAsUpdate(base), poison, partly: Y.mergeUpdates([Y.encodeStateAsUpdate(good), poison]) };
	}

	it('refuses only its sender; the others stay connected and the room is not reloaded', async () => {
		const relay = await relayWith();
		const groupId = randomId();
		const token = newToken();
		const owner = member(relay, groupId, token, true);
		await eventually(() => owner.provider.synced);
		const { seed, poison, partly } = poisoned();
		Y.applyUpdate(owner.doc, seed);
		await eventually(async () => expect((await relay.relay.loadGroupDoc(groupId))!.getMap('items').size).toBe(2));
		const statuses: string[] = [];
		owner.provider.on('status', ({ status }: { status: string }) => statuses.push(status));
		const loadsBefore = /relay_room_loads_total (\d+)/.exec(await metricsOf(relay))![1];
		const before = await storedDigest(relay, groupId);

		for (const update of [poison, partly, poison]) {
			const editor = await rawClient(relay, groupId, token);
			editor.send(syncMessage(2, update));
			expect((await editor.closed).code).toBe(4400);
		}
		expect(await storedDigest(relay, groupId)).toBe(before);
		// The part Yjs took before it threw is not in the relay's copy: it was never stored.
		await eventually(async () => expect((await relay.relay.loadGroupDoc(groupId))!.getText('probe').length).toBe(0));
		owner.doc.getText('after').insert(0, 'still here');
		await eventually(async () => expect((await relay.relay.loadGroupDoc(groupId))!.getText('after').toString()).toBe('still here'));
		expect(statuses).not.toContain('disconnected');
		expect(owner.provider.wsconnected).toBe(true);
		expect(/relay_room_loads_total (\d+)/.exec(await metricsOf(relay))![1]).toBe(loadsBefore);
	});
});

describe('the answer to sync step 1', () => {
	it('is sent only once every change received before it is on disk', async () => {
		const relay = await spawnRelay();
		cleanups.push(() => relay.stop());
		const groupId = randomId();
		const token = newToken();
		const client = await rawClient(relay, groupId, `${token}&create=1`);
		await eventually(() => expect(client.received.map(kindOf)).toContain('sync-1'));
		const storedRows = async () => (await storedGroupRows(relay.dataDir, groupId)).updates.length;
		let storedWhenAnswered: Promise<number> | null = null;
		client.socket.on('message', (data: Buffer) => {
			if (storedWhenAnswered === null && kindOf(new Uint8Array(data)) === 'sync-2') storedWhenAnswered = storedRows();
		});

		// Another writer holds the group log, so the relay cannot commit for a while.
		const hold = await holdStoreWrites(relay.dataDir);
		cleanups.push(() => hold.release());
		const doc = new Y.Doc();
		doc.getText('note').insert(0, 'confirmed means stored');
		writeFrames(client, [{ data: syncMessage(2, Y.encodeStateAsUpdate(doc)) }, { data: syncMessage(0, Y.encodeStateVector(doc)) }]);
		// Long enough for an early answer to arrive; then the relay may commit.
		await eventually(() => storedWhenAnswered !== null, 1_000).catch(() => {});
		await hold.release();
		await eventually(() => storedWhenAnswered !== null);
		expect(await storedWhenAnswered).toBe(1);
	});
});

// SQLite only: MAX_DATABASE_BYTES is SQLite's page limit (a cluster refuses the setting at start), and a
// full PostgreSQL disk cannot be made for real in a test. The cluster's storage errors close the same way.
if (relayMode === 'single') {
	describe('a full disk', () => {
		/** Opens a sync connection; resolves with 101, or the refusal's status and JSON body. */
		function connect(relay: { wsUrl: string }, groupId: string, query: string): Promise<{ status: number; body?: { error: string; message: string } }> {
			return new Promise((resolve) => {
				const socket = new WebSocket(`${relay.wsUrl}/${groupId}?${query}`);
				// No answer at all: the relay went away.
				socket.on('error', () => resolve({ status: 0 }));
				socket.once('open', () => {
					socket.close();
					resolve({ status: 101 });
				});
				socket.once('unexpected-response', (_req, res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (chunk: string) => (text += chunk));
					res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
				});
			});
		}

		it('refuses new groups and changes clearly; the relay stays up and keeps what it stored', async () => {
			// SQLite's max_page_count makes the database return SQLITE_FULL for real once its pages are used.
			const relay = await spawnRelay({ maxDatabaseBytes: 1 });
			cleanups.push(() => relay.stop());
			const created: string[] = [];
			const firstToken = newToken();
			const first = randomId();
			expect((await connect(relay, first, `token=${firstToken}&create=1`)).status).toBe(101);
			let refusal: { status: number; body?: { error: string; message: string } } | null = null;
			for (let i = 0; i < 500 && !refusal; i++) {
				const groupId = randomId();
				const outcome = await connect(relay, groupId, `token=${newToken()}&create=1`);
				if (outcome.status === 101) created.push(groupId);
				else refusal = outcome;
			}
			expect(refusal).toMatchObject({ status: 503, body: { error: 'storage-full' } });
			expect(refusal!.body!.message).toMatch(/storage is full/);
			expect(relay.child.exitCode).toBeNull();
			expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
			expect(await metricsOf(relay as unknown as TestRelay)).toMatch(/relay_refusals_total\{reason="storage-full"\} 1/);
			expect(created.length).toBeGreaterThan(0);

			// A member of a stored group still syncs; a change that no longer fits is refused, not lost:
			// the member keeps it, and the relay serves on.
			const alice = connectMember(relay.wsUrl, first, { token: firstToken });
			cleanups.push(() => alice.destroy());
			await eventually(() => alice.provider.synced);
			const closes: number[] = [];
			alice.provider.on('connection-close', (event: { code: number } | null) => closes.push(event?.code ?? 0));
			alice.doc.getText('big').insert(0, 'x'.repeat(64 * 1024));
			await eventually(() => expect(closes).toContain(1011));
			expect(alice.doc.getText('big').length).toBe(64 * 1024);
			expect(relay.child.exitCode).toBeNull();
			expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
		});
	});
}

describe('presence', () => {
	it('is bound to the connection that announced it: no one can overwrite or remove another member’s', async () => {
		const relay = await relayWith();
		const groupId = randomId();
		const token = newToken();
		const alice = await groupOn(relay, groupId, token);
		const bob = member(relay, groupId, token);
		alice.provider.awareness.setLocalStateField('member', { name: 'Alice' });
		const aliceId = alice.doc.clientID;
		await eventually(() => expect(bob.provider.awareness.getStates().get(aliceId)?.member?.name).toBe('Alice'));
		const clock = alice.provider.awareness.meta.get(aliceId)!.clock;

		const viewer = await rawClient(relay, groupId, await invite(relay, groupId, token, 'viewer'));
		viewer.send(awarenessMessage([{ clientId: aliceId, clock: clock + 10, state: { member: { name: 'Mallory' } } }]));
		viewer.send(awarenessMessage([{ clientId: aliceId, clock: clock + 11, state: null }]));
		viewer.send(awarenessMessage([{ clientId: 424_242, clock: 1, state: { member: { name: 'Viewer' } } }]));
		// Its own presence goes through, so the messages before it were handled too.
		await eventually(() => expect(bob.provider.awareness.getStates().get(424_242)?.member?.name).toBe('Viewer'));
		expect(bob.provider.awareness.getStates().get(aliceId)?.member?.name).toBe('Alice');
		// And it cannot take a second id either.
		viewer.send(awarenessMessage([{ clientId: 515_151, clock: 1, state: { member: { name: 'Second' } } }]));
		viewer.send(awarenessMessage([{ clientId: 424_242, clock: 2, state: { member: { name: 'Viewer 2' } } }]));
		await eventually(() => expect(bob.provider.awareness.getStates().get(424_242)?.member?.name).toBe('Viewer 2'));
		expect(bob.provider.awareness.getStates().has(515_151)).toBe(false);
		expect(viewer.socket.readyState).toBe(WebSocket.OPEN);
	});
});

describe('presence floods', () => {
	it('are held to each connection’s allowance and passed on in batches; the latest presence still arrives', async () => {
		const rate = 8_192;
		const maxAwareness = 16_384;
		const relay = await relayWith({ messagesPerSecond: 1_000, messageBurst: 1_000, awarenessBytesPerSecond: rate, maxAwarenessBytes: maxAwareness });
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const viewerToken = await invite(relay, groupId, token, 'viewer');
		const observer = await rawClient(relay, groupId, token);
		const flooders = await Promise.all([1, 2, 3, 4].map(() => rawClient(relay, groupId, viewerToken)));
		await eventually(() => observer.received.length > 0);
		const seenBefore = observer.received.length;

		const started = performance.now();
		const padding = 'p'.repeat(15 * 1024);
		for (let clock = 1; clock <= 40; clock++) {
			flooders.forEach((flooder, i) => flooder.send(awarenessMessage([{ clientId: 900_000 + i, clock, state: { padding, clock } }])));
		}
		// The latest presence of each flooder arrives in the end.
		const latest = (i: number): number | undefined => {
			for (const message of observer.received.slice(seenBefore).reverse()) {
				if (kindOf(message) !== 'awareness') continue;
				const decoder = decoding.createDecoder(message);
				decoding.readVarUint(decoder);
				const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
				for (let n = decoding.readVarUint(inner); n > 0; n--) {
					const id = decoding.readVarUint(inner);
					decoding.readVarUint(inner);
					const state = JSON.parse(decoding.readVarString(inner)) as { clock?: number } | null;
					if (id === 900_000 + i) return state?.clock;
				}
			}
			return undefined;
		};
		await eventually(() => expect([0, 1, 2, 3].map(latest)).toEqual([40, 40, 40, 40]), 30_000);
		const elapsed = (performance.now() - started) / 1000;
		const relayed = observer.received.slice(seenBefore).filter((m) => kindOf(m) === 'awareness').reduce((sum, m) => sum + m.length, 0);
		// Each flooder sent 40 × 15 KiB; what reached the observer is bounded by the allowances.
		const allowance = flooders.length * (2 * maxAwareness + rate * elapsed + maxAwareness);
		expect(relayed).toBeLessThanOrEqual(allowance);
		expect(relayed).toBeLessThan(flooders.length * 40 * 15 * 1024);
		for (const flooder of flooders) expect(flooder.socket.readyState).toBe(WebSocket.OPEN);
		expect(await metricsOf(relay)).toMatch(/relay_awareness_deferred_total [1-9]/);
	});
});

describe('messages that never finish', () => {
	/** Resolves with the close code, or -1 when the connection is still open after `ms`. */
	function closedWithin(client: RawClient, ms: number): Promise<number> {
		return Promise.race([client.closed.then((c) => c.code), new Promise<number>((resolve) => setTimeout(() => resolve(-1), ms))]);
	}

	it('hold only so many bytes per address: the connection that goes past it is refused', async () => {
		const relay = await relayWith({ maxPayloadBytes: 64 * 1024, maxUpdateBytes: 256 * 1024, maxUnfinishedBytesPerAddress: 300 * 1024 });
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const first = await rawClient(relay, groupId, token);
		const second = await rawClient(relay, groupId, token);
		// Each starts a change of 200 KiB (under the 256 KiB limit of one message) and never ends it.
		writeFrames(first, [{ data: new Uint8Array(200 * 1024), fin: false }]);
		// A ping answered means the relay has read everything sent before it.
		await new Promise((resolve) => {
			first.socket.once('pong', resolve);
			first.socket.ping();
		});
		writeFrames(second, [{ data: new Uint8Array(200 * 1024), fin: false }]);
		expect(await closedWithin(second, 15_000)).toBe(4413);
		expect(await metricsOf(relay)).toMatch(/relay_refusals_total\{reason="unfinished-too-large"\} 1/);
		expect(first.socket.readyState).toBe(WebSocket.OPEN);
	});

	it('time out, while a fragmented message that ends is handled as usual', async () => {
		const relay = await relayWith({ partialMessageTimeoutMs: 500 });
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const patient = await rawClient(relay, groupId, token);
		const step1 = syncMessage(0, Y.encodeStateVector(new Y.Doc()));
		writeFrames(patient, [{ data: step1.slice(0, 2), fin: false }]);
		writeFrames(patient, [{ data: step1.slice(2), continuation: true }]);
		await eventually(() => expect(patient.received.map(kindOf)).toContain('sync-2'));

		const stalled = await rawClient(relay, groupId, token);
		writeFrames(stalled, [{ data: new Uint8Array(1024), fin: false }]);
		expect(await closedWithin(stalled, 15_000)).toBe(4408);
		expect(patient.socket.readyState).toBe(WebSocket.OPEN);
	});
});

describe('links written raw into the doc', () => {
	it('become links in feeds and the Netscape export only when they are http(s)', async () => {
		const relay = await relayWith();
		const groupId = randomId();
		const token = newToken();
		const owner = await groupOn(relay, groupId, token);
		addItem(owner.doc, { memberId: 'owner' }, { url: 'https://example.org/two', title: 'Two' });
		// A client that skips the model's checks writes the addresses itself.
		const [one, two] = readAllItems(owner.doc).sort((a, b) => a.title.localeCompare(b.title));
		owner.doc.getMap('items').set(one.id, { url: 'javascript:alert(document.domain)' });
		owner.doc.getMap('items').set(two.id, { url: 'data:text/html,<script>alert(1)</script>' });
		await eventually(async () =>
			expect(readAllItems((await relay.relay.loadGroupDoc(groupId))!).map((i) => i.url).sort()).toEqual([
				'data:text/html,<script>alert(1)</script>',
				'javascript:alert(document.domain)'
			])
		);
		const feed = await feedToken(relay, groupId, token);
		const rss = await (await fetch(`${relay.url}/feeds/${groupId}.rss?token=${feed}`)).text();
		const atom = await (await fetch(`${relay.url}/feeds/${groupId}.atom?token=${feed}`)).text();
		const links = [...rss.matchAll(/<link>([^<]*)<\/link>/g), ...atom.matchAll(/<link [^>]*href="([^"]*)"/g)].map((m) => m[1]);
		expect(links.length).toBeGreaterThanOrEqual(6);
		for (const link of links) expect(link).toMatch(/^https?:\/\//);
		const html = await (await fetch(`${relay.url}/api/groups/${groupId}/export?format=html`, { headers: { authorization: `Bearer ${token}` } })).text();
		expect(html).toMatch(/<DL>/);
		expect(html).not.toMatch(/HREF="(?!https?:)/i);
		expect(html).not.toMatch(/javascript:|data:text/i);
	});
});

describe('responses other than the app', () => {
	it('carry security headers: API JSON, the HTML export, metrics and feed errors', async () => {
		const relay = await relayWith();
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const auth = { authorization: `Bearer ${token}` };
		const responses = {
			api: await fetch(`${relay.url}/api/groups/${groupId}/me`, { headers: auth }),
			apiError: await fetch(`${relay.url}/api/groups/${groupId}/me`),
			htmlExport: await fetch(`${relay.url}/api/groups/${groupId}/export?format=html`, { headers: auth }),
			metrics: await fetch(`${relay.url}/metrics`),
			feedMissing: await fetch(`${relay.url}/feeds/${groupId}.txt`),
			feedRefused: await fetch(`${relay.url}/feeds/${groupId}.rss?token=${newToken()}`)
		};
		for (const [name, res] of Object.entries(responses)) {
			const headers = {
				'x-content-type-options': res.headers.get('x-content-type-options'),
				'content-security-policy': res.headers.get('content-security-policy'),
				'referrer-policy': res.headers.get('referrer-policy'),
				'cache-control': res.headers.get('cache-control')
			};
			expect({ name, nosniff: headers['x-content-type-options'] }).toEqual({ name, nosniff: 'nosniff' });
			expect({ name, csp: headers['content-security-policy'] }).toEqual({ name, csp: expect.stringContaining("frame-ancestors 'none'") });
			expect({ name, referrer: headers['referrer-policy'] }).toEqual({ name, referrer: 'no-referrer' });
			expect({ name, cache: headers['cache-control'] }).toEqual({ name, cache: 'no-store' });
		}
		expect(responses.htmlExport.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
	});
});

describe('a backup', () => {
	it('holds no relay secret: a relay restored from it re-keys feed links, while member tokens keep working', async () => {
		const relay = await relayWith();
		const groupId = randomId();
		const token = newToken();
		await groupOn(relay, groupId, token);
		const oldFeed = await feedToken(relay, groupId, token);
		const secret = await storedRelaySecret(relay.dataDir);

		// One file (SQLite's copy, or in cluster mode pg_dump's), with none of the secret's bytes.
		const backupDir = mkdtempSync(join(tmpdir(), 'commonplace-backup-'));
		cleanups.push(() => rmSync(backupDir, { recursive: true, force: true }));
		const backup = join(backupDir, 'backup');
		const result = await runAdmin(relay.dataDir, ['backup', backup]);
		expect(result.code).toBe(0);
		expect(readdirSync(backupDir)).toEqual(['backup']);
		expect(readFileSync(backup).indexOf(secret)).toBe(-1);
		// The relay and its storage are gone; only the backup is left.
		await relay.stop();
		const { dataDir: restoreDir, remove } = await restoreBackup(backup);
		cleanups.push(remove);

		const restored = await relayWith({ dataDir: restoreDir });
		expect(await storedRelaySecret(restoreDir)).not.toEqual(secret);
		expect((await fetch(`${restored.url}/feeds/${groupId}.rss?token=${oldFeed}`)).status).toBe(401);
		const newFeed = await feedToken(restored, groupId, token);
		expect(newFeed).not.toBe(oldFeed);
		expect((await fetch(`${restored.url}/feeds/${groupId}.rss?token=${newFeed}`)).status).toBe(200);
		const doc = await restored.relay.loadGroupDoc(groupId);
		expect(readAllItems(doc!).map((i) => i.title)).toEqual(['One']);
	});
});

describe('the creation token', () => {
	it('is refused as a command-line flag, with what to do instead; the environment or a file carry it', async () => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port=0', '--create-token=visible-in-ps'], {
			cwd: resolve(import.meta.dirname, '../..'),
			stdio: ['ignore', 'ignore', 'pipe']
		});
		cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
		const started = await new Promise<{ code: number | null; stderr: string }>((resolveExit) => {
			let stderr = '';
			child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
			child.once('exit', (code) => resolveExit({ code, stderr }));
		});
		expect(started.code).toBe(2);
		expect(started.stderr).toMatch(/--create-token is not accepted on the command line/);
		expect(started.stderr).toMatch(/CREATE_TOKEN_FILE/);

		const dir = mkdtempSync(join(tmpdir(), 'commonplace-create-token-'));
		cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
		const tokenFile = join(dir, 'create-token');
		const createToken = `create-${newToken()}`;
		writeFileSync(tokenFile, `${createToken}\n`, { mode: 0o600 });
		const relay = await spawnRelay({ publicBind: true }, { CREATE_TOKEN_FILE: tokenFile });
		cleanups.push(() => relay.stop());
		const tryCreate = (given: string) =>
			new Promise<number>((resolveStatus) => {
				const socket = new WebSocket(`${relay.wsUrl}/${randomId()}?token=${newToken()}&create=1&createToken=${given}`);
				socket.on('error', () => {});
				socket.once('open', () => {
					socket.close();
					resolveStatus(101);
				});
				socket.once('unexpected-response', (_req, res) => resolveStatus(res.statusCode ?? 0));
			});
		expect(await tryCreate('a-guess')).toBe(403);
		expect(await tryCreate(createToken)).toBe(101);
		expect(relay.child.spawnargs.join(' ')).not.toContain(createToken);
	});
});

describe('asks for the whole group that wait for a commit', () => {
	it('get one whole answer between them, the rest empty, in order', async () => {
		const relay = await relayWith({ sendBufferLimitBytes: 64 * 1024 });
		const groupId = randomId();
		const token = newToken();
		const owner = await groupOn(relay, groupId, token);
		owner.doc.getText('big').insert(0, 'x'.repeat(512 * 1024));
		await eventually(async () => expect((await relay.relay.loadGroupDoc(groupId))!.getText('big').length).toBe(512 * 1024));
		const editor = await rawClient(relay, groupId, token);
		const change = new Y.Doc();
		change.getText('small').insert(0, 'a change');
		const step1 = syncMessage(0, Y.encodeStateVector(new Y.Doc()));
		// A change, then asks in the same read: they wait for its commit, then are answered together.
		writeFrames(editor, [{ data: syncMessage(2, Y.encodeStateAsUpdate(change)) }, { data: step1 }, { data: step1 }, { data: step1 }]);
		const answers = () => editor.received.filter((m) => kindOf(m) === 'sync-2');
		await eventually(() => expect(answers().length).toBe(3), 20_000);
		const sizes = answers().map((m) => m.length);
		expect(sizes[0]).toBeGreaterThan(512 * 1024);
		expect(sizes[1]).toBeLessThan(64);
		expect(sizes[2]).toBeLessThan(64);
	});
});
