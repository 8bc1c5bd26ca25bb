// A member's offline work can be far larger than one ordinary message: a group built or imported
// offline arrives as one sync message, and a new member receives the whole group as one. Both must
// get through, and neither makes the relay take the member for a slow reader.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { addItem, addNote, createGroup, readAllItems, randomId } from '../../src/lib/model/index.ts';
import { connectMember, eventually, newToken, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay.ts';

const LIMIT = 64 * 1024;
let relay: TestRelay | null = null;
const members: TestMember[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) member.destroy();
	await relay?.stop();
	relay = null;
});

describe('a group larger than one message', () => {
	it('reaches the relay whole from a member who built it offline, and reaches a new member whole', async () => {
		relay = await startTestRelay({ maxPayloadBytes: LIMIT, sendBufferLimitBytes: LIMIT, maxUpdateBytes: 8 * 1024 * 1024 });
		const groupId = randomId();
		const token = newToken();

		// Built with no connection, then connected: the first sync carries all of it in one message.
		const builder = connectMember(relay.wsUrl, groupId, { token, create: true, connect: false });
		members.push(builder);
		const actor = { memberId: 'ana' };
		createGroup(builder.doc, actor, { name: 'Imported offline' });
		builder.doc.transact(() => {
			for (let i = 0; i < 1_500; i++) {
				const { itemId } = addItem(builder.doc, actor, { url: `https://example.org/${i}`, title: `Page ${i} `.repeat(8), tags: ['import'] });
				addNote(builder.doc, actor, itemId, { text: `A note long enough to matter, number ${i}. `.repeat(3) });
			}
		}, actor);
		const size = Y.encodeStateAsUpdate(builder.doc).length;
		expect(size).toBeGreaterThan(4 * LIMIT);
		builder.provider.connect();

		await eventually(async () => {
			const stored = await relay!.relay.loadGroupDoc(groupId);
			return stored !== null && readAllItems(stored).length === 1_500;
		}, 20_000);

		// A new member gets the whole group in its first sync and stays connected for what follows.
		const reader = connectMember(relay.wsUrl, groupId, { token });
		members.push(reader);
		await eventually(() => readAllItems(reader.doc).length === 1_500, 20_000);
		addItem(builder.doc, actor, { url: 'https://example.org/after', title: 'After the big sync' });
		await eventually(() => readAllItems(reader.doc).some((item) => item.title === 'After the big sync'), 10_000);
		expect(reader.provider.wsconnected).toBe(true);
		expect(builder.provider.wsconnected).toBe(true);
		const metrics = await (await fetch(`${relay.url}/metrics`)).text();
		expect(metrics).not.toMatch(/relay_refusals_total\{reason="(slow-consumer|message-too-large)"\} [1-9]/);
	});

	it('keeps a reader that has not yet read a big first sync, while more changes follow it', async () => {
		relay = await startTestRelay({ sendBufferLimitBytes: 256 * 1024, maxUpdateBytes: 64 * 1024 * 1024 });
		const groupId = randomId();
		const token = newToken();
		const builder = connectMember(relay.wsUrl, groupId, { token, create: true, connect: false });
		members.push(builder);
		const actor = { memberId: 'ana' };
		createGroup(builder.doc, actor, { name: 'Big' });
		// Larger than the kernel's socket buffers, so most of it waits in the relay's send buffer.
		const filler = 'x'.repeat(9_000);
		builder.doc.transact(() => {
			for (let i = 0; i < 2_000; i++) {
				const { itemId } = addItem(builder.doc, actor, { url: `https://example.org/${i}` });
				addNote(builder.doc, actor, itemId, { text: filler });
			}
		}, actor);
		builder.provider.connect();
		await eventually(async () => {
			const stored = await relay!.relay.loadGroupDoc(groupId);
			return stored !== null && readAllItems(stored).length === 2_000;
		}, 30_000);

		// A reader asks for everything, then does not read for a while.
		const reader = new WebSocket(`${relay.wsUrl}/${groupId}?token=${token}`);
		const received: Buffer[] = [];
		reader.on('message', (data: Buffer) => received.push(data));
		await new Promise((resolve) => reader.once('open', resolve));
		const socket = (reader as unknown as { _socket: { pause(): void; resume(): void } })._socket;
		socket.pause();
		reader.send(Uint8Array.from([0, 0, 1, 0]));
		await eventually(async () => /relay_bytes_out_total \d{8,}/.test(await (await fetch(`${relay!.url}/metrics`)).text()), 10_000);
		for (let i = 0; i < 20; i++) addItem(builder.doc, actor, { url: `https://example.org/later/${i}` });
		// The relay has passed the later changes on (into the reader's backlog) once it holds them.
		await eventually(async () => readAllItems((await relay!.relay.loadGroupDoc(groupId))!).length === 2_020, 10_000);
		socket.resume();

		const doc = new Y.Doc();
		await eventually(() => {
			for (const data of received.splice(0)) {
				if (data[0] === 0 && (data[1] === 1 || data[1] === 2)) {
					let length = 0;
					let shift = 0;
					let pos = 2;
					for (;;) {
						const byte = data[pos++];
						length += (byte & 0x7f) * 2 ** shift;
						shift += 7;
						if (byte < 0x80) break;
					}
					Y.applyUpdate(doc, data.subarray(pos, pos + length));
				}
			}
			return readAllItems(doc).length === 2_020;
		}, 20_000);
		expect(reader.readyState).toBe(WebSocket.OPEN);
		reader.close();
	});

	it('reaches the first member on a just-started relay from storage, before the relay has built its doc', async () => {
		relay = await startTestRelay({ maxUpdateBytes: 64 * 1024 * 1024 });
		const dataDir = relay.dataDir;
		const groupId = randomId();
		const token = newToken();
		const builder = connectMember(relay.wsUrl, groupId, { token, create: true, connect: false });
		members.push(builder);
		const actor = { memberId: 'ana' };
		createGroup(builder.doc, actor, { name: 'Big on restart' });
		builder.doc.transact(() => {
			for (let i = 0; i < 3_000; i++) {
				const { itemId } = addItem(builder.doc, actor, { url: `https://example.org/${i}`, title: `Page ${i} `.repeat(8) });
				addNote(builder.doc, actor, itemId, { text: `A note long enough to matter, number ${i}. `.repeat(3) });
			}
		}, actor);
		expect(Y.encodeStateAsUpdate(builder.doc).length).toBeGreaterThan(1 << 20);
		builder.provider.connect();
		await eventually(async () => readAllItems((await relay!.relay.loadGroupDoc(groupId))!).length === 3_000, 20_000);
		builder.destroy();
		members.splice(0);
		// The same data, a new relay: its first member's ask is answered from the stored group.
		const first = relay;
		relay = null;
		await first.relay.close();
		relay = await startTestRelay({ dataDir, maxUpdateBytes: 64 * 1024 * 1024 });
		const reader = connectMember(relay.wsUrl, groupId, { token });
		members.push(reader);
		await eventually(() => readAllItems(reader.doc).length === 3_000, 20_000);
		expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(/relay_sync_answers_from_storage_total 1/);
		// Then it syncs as usual: its own changes reach the relay and another member.
		addItem(reader.doc, actor, { url: 'https://example.org/after-restart', title: 'After the restart' });
		const other = connectMember(relay.wsUrl, groupId, { token });
		members.push(other);
		await eventually(() => readAllItems(other.doc).some((item) => item.title === 'After the restart'), 10_000);
		for (const member of members.splice(0)) member.destroy();
		await relay.stop();
		relay = null;
		rmSync(dataDir, { recursive: true, force: true });
	});
});
