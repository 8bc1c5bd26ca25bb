// Hostile input against a real relay: each bad message closes only its own connection with the SPEC
// close code and a metric; the relay stays up, members keep syncing, and the stored group is
// byte-for-byte what it was.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { addItem, createGroup, randomId, readAllItems } from '../../src/lib/model/index.ts';
import { connectMember, eventually, newToken, startTestRelay, storedGroupRows, type TestMember, type TestRelay } from '../helpers/relay.ts';

const MAX_PAYLOAD = 64 * 1024;
const MAX_UPDATE = 256 * 1024;

let relay: TestRelay;
let alice: TestMember;
let bob: TestMember;
const groupId = randomId();
const token = newToken();

/** A digest of everything stored of the group, straight from the relay's storage. */
async function storedDigest(): Promise<string> {
	const stored = await storedGroupRows(relay.dataDir, groupId);
	const hash = createHash('sha256');
	for (const body of stored.snapshots) hash.update(body);
	for (const row of stored.updates) hash.update(String(row.seq)).update(row.body);
	return hash.digest('hex');
}

async function openSocket(path = `/${groupId}?token=${token}`): Promise<WebSocket> {
	const socket = new WebSocket(`${relay.wsUrl}${path}`);
	await new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve());
		socket.once('error', reject);
	});
	return socket;
}

function closeCode(socket: WebSocket): Promise<number> {
	return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

/** Opens a connection, sends `payloads`, and resolves with the code the relay closed it with. */
async function attack(...payloads: (Uint8Array | string)[]): Promise<number> {
	const socket = await openSocket();
	const closed = closeCode(socket);
	socket.on('error', () => {});
	for (const payload of payloads) socket.send(payload, { binary: typeof payload !== 'string' });
	return closed;
}

function syncMessage(step: number, body: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, step);
	encoding.writeVarUint8Array(encoder, body);
	return encoding.toUint8Array(encoder);
}

/** Deterministic bytes from a seed (mulberry32). */
function seededBytes(seed: number, length: number): Uint8Array {
	let a = seed;
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
	}
	return out;
}

async function refusals(): Promise<string> {
	return (await fetch(`${relay.url}/metrics`)).text();
}

beforeAll(async () => {
	relay = await startTestRelay({ maxPayloadBytes: MAX_PAYLOAD, maxUpdateBytes: MAX_UPDATE, messagesPerSecond: 50, messageBurst: 100, connectionsPerIp: 40 });
	alice = connectMember(relay.wsUrl, groupId, { token, create: true });
	await eventually(() => alice.provider.synced);
	bob = connectMember(relay.wsUrl, groupId, { token });
	createGroup(alice.doc, { memberId: 'alice' }, { name: 'Hostile ground' });
	addItem(alice.doc, { memberId: 'alice' }, { url: 'https://example.org/one', title: 'One', tags: 'first' });
	await eventually(() => readAllItems(bob.doc).length === 1);
});

afterAll(async () => {
	alice?.destroy();
	bob?.destroy();
	await relay?.stop();
});

describe('hostile input', () => {
	it('refuses each kind of bad message on its own connection and leaves the stored group untouched', async () => {
		const before = await storedDigest();
		const realUpdate = Y.encodeStateAsUpdate(alice.doc);

		for (const seed of [1, 2, 3]) expect(await attack(seededBytes(seed, 300))).toBe(4400);
		// Truncated: a real update message cut in half.
		expect(await attack(syncMessage(2, realUpdate).slice(0, Math.floor(realUpdate.length / 2)))).toBe(4400);
		// A varint past 2^53, and a length far past the end of the message.
		expect(await attack(Uint8Array.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toBe(4400);
		expect(await attack(Uint8Array.from([0, 2, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]))).toBe(4400);
		// Unknown message type, unknown sync step, an empty frame, trailing bytes after a good message.
		expect(await attack(Uint8Array.from([9, 0]))).toBe(4400);
		expect(await attack(Uint8Array.from([0, 7, 0]))).toBe(4400);
		expect(await attack(new Uint8Array(0))).toBe(4400);
		expect(await attack(Uint8Array.from([3, 3]))).toBe(4400);
		// Text frames are not part of the protocol.
		expect(await attack('{"type":"update"}')).toBe(4400);
		// Well-framed updates that Yjs cannot apply.
		expect(await attack(syncMessage(2, realUpdate.slice(0, realUpdate.length - 3)))).toBe(4400);
		expect(await attack(syncMessage(1, seededBytes(7, 64)))).toBe(4400);
		// Over the limits (a change, or any other message): refused by the relay; far over every limit:
		// cut off by the WebSocket layer.
		expect(await attack(syncMessage(2, new Uint8Array(MAX_UPDATE + 10)))).toBe(4413);
		expect(await attack(syncMessage(0, new Uint8Array(MAX_PAYLOAD + 10)))).toBe(4413);
		expect(await attack(new Uint8Array(MAX_UPDATE * 2))).toBe(1009);
		// Presence larger than allowed.
		const awareness = encoding.createEncoder();
		encoding.writeVarUint(awareness, 1);
		encoding.writeVarUint8Array(awareness, new Uint8Array(20_000));
		expect(await attack(encoding.toUint8Array(awareness))).toBe(4413);
		// A flood of small valid messages.
		expect(await attack(...Array.from({ length: 400 }, () => Uint8Array.from([3])))).toBe(4429);

		expect(await storedDigest()).toBe(before);
		const metrics = await refusals();
		for (const reason of ['undecodable', 'truncated', 'unknown-type', 'text-frame', 'bad-update', 'message-too-large', 'awareness-too-large', 'rate-limited']) {
			expect(metrics).toMatch(new RegExp(`relay_refusals_total\\{reason="${reason}"\\} [1-9]`));
		}
		expect(metrics).toMatch(/relay_connections_closed_total\{code="4400"\} [1-9]/);

		// The relay is up and the members sync as before.
		expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
		expect(alice.provider.wsconnected && bob.provider.wsconnected).toBe(true);
		addItem(bob.doc, { memberId: 'bob' }, { url: 'https://example.org/two', title: 'Two' });
		await eventually(() => expect(readAllItems(alice.doc).map((i) => i.title).sort()).toEqual(['One', 'Two']));
		expect(await storedDigest()).not.toBe(before);
	});

	it('refuses bad tokens and too many connections from one address with an HTTP status before the upgrade', async () => {
		const status = (path: string) =>
			new Promise<number>((resolve, reject) => {
				const socket = new WebSocket(`${relay.wsUrl}${path}`);
				socket.once('unexpected-response', (_req, res) => {
					resolve(res.statusCode ?? 0);
					socket.terminate();
				});
				socket.once('open', () => reject(new Error('The relay accepted a connection it should refuse.')));
				socket.once('error', () => {});
			});
		expect(await status(`/${groupId}?token=${newToken()}`)).toBe(401);
		expect(await status(`/${groupId}`)).toBe(401);
		expect(await status(`/not%20a%20group?token=${token}`)).toBe(400);

		const open: WebSocket[] = [];
		try {
			while (relay.relay.connectionCount < 40) open.push(await openSocket());
			expect(await status(`/${groupId}?token=${token}`)).toBe(429);
		} finally {
			for (const socket of open) socket.terminate();
		}
		await eventually(() => relay.relay.connectionCount === 2);
	});

	it('drops a reader that stops reading once its send buffer passes the limit', async () => {
		const slowRelay = await startTestRelay({ sendBufferLimitBytes: 64 * 1024, messagesPerSecond: 1_000, messageBurst: 1_000 });
		const slowGroup = randomId();
		const slowToken = newToken();
		const writer = connectMember(slowRelay.wsUrl, slowGroup, { token: slowToken, create: true });
		try {
			await eventually(() => writer.provider.synced);
			const reader = new WebSocket(`${slowRelay.wsUrl}/${slowGroup}?token=${slowToken}`);
			reader.on('error', () => {});
			await new Promise((resolve) => reader.once('open', resolve));
			// The reader's socket stops reading: what the relay sends piles up in its buffer.
			(reader as unknown as { _socket: { pause(): void } })._socket.pause();
			const text = writer.doc.getText('stream');
			const chunk = 'x'.repeat(32 * 1024);
			await eventually(async () => {
				text.insert(text.length, chunk);
				const metrics = await (await fetch(`${slowRelay.url}/metrics`)).text();
				expect(metrics).toMatch(/relay_refusals_total\{reason="slow-consumer"\} 1/);
			}, 20_000, 5);
			expect(slowRelay.relay.connectionCount).toBe(1);
			expect(writer.provider.wsconnected).toBe(true);
			reader.terminate();
		} finally {
			writer.destroy();
			await slowRelay.stop();
		}
	});

	it('behind a trusted proxy, counts connections by the forwarded address', async () => {
		const proxied = await startTestRelay({ trustProxy: true, openCreation: true, connectionsPerIp: 1 });
		const proxiedGroup = randomId();
		const proxiedToken = newToken();
		const sockets: WebSocket[] = [];
		const connect = (address: string, create = false) =>
			new Promise<number>((resolve) => {
				const socket = new WebSocket(`${proxied.wsUrl}/${proxiedGroup}?token=${proxiedToken}${create ? '&create=1' : ''}`, {
					headers: { 'x-forwarded-for': `203.0.113.9, ${address}` }
				});
				sockets.push(socket);
				socket.once('open', () => resolve(101));
				socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
				socket.on('error', () => {});
			});
		try {
			expect(await connect('198.51.100.1', true)).toBe(101);
			expect(await connect('198.51.100.2')).toBe(101);
			expect(await connect('198.51.100.1')).toBe(429);
		} finally {
			for (const socket of sockets) socket.terminate();
			await proxied.stop();
		}
	});
});
