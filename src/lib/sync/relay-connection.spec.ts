// The relay connection against the in-memory relay: the first exchange both ways, confirmations
// that mean the relay holds a change, reconnection, refusals, presence, and peers that converge
// whatever the order of edits and drops.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { CloseCode } from '$lib/rules';
import { RelayConnection } from './relay-connection';
import { MemoryRelay } from './testing/memory-relay';
import { splitUpdate } from '$lib/storage/split-update';

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups.splice(0)) c();
});

async function until(condition: () => boolean, what = 'the condition', timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${what} did not happen`);
		await new Promise((r) => setTimeout(r, 2));
	}
}

function peer(relay: MemoryRelay, params: Record<string, string> = { token: 't' }) {
	const doc = new Y.Doc();
	const awareness = new Awareness(doc);
	const connection = new RelayConnection({ url: 'ws://relay/sync/g1', params, doc, awareness, openSocket: relay.openSocket, backoff: () => 5, refusalPauseMs: () => 20 });
	cleanups.push(() => {
		connection.destroy();
		awareness.destroy();
	});
	return { doc, awareness, connection };
}

describe('RelayConnection', () => {
	it('sends what the relay lacks and receives what it holds in the first exchange, then passes edits on', async () => {
		const relay = new MemoryRelay();
		relay.doc.getMap('m').set('from-relay', 1);
		const a = peer(relay);
		a.doc.getMap('m').set('offline', 2);
		a.connection.connect();
		await until(() => a.connection.state.synced, 'the first sync');
		expect(a.doc.getMap('m').get('from-relay')).toBe(1);
		await until(() => relay.doc.getMap('m').get('offline') === 2, 'the offline change reaching the relay');
		expect(relay.opened).toEqual(['ws://relay/sync/g1?token=t']);

		const b = peer(relay);
		b.connection.connect();
		await until(() => b.doc.getMap('m').get('offline') === 2, 'the second peer catching up');
		a.doc.getMap('m').set('live', 3);
		await until(() => b.doc.getMap('m').get('live') === 3, 'a live edit reaching the other peer');
	});

	it('applies a large answer of the relay a part at a time, as its own, then what came meanwhile, in order', async () => {
		const relay = new MemoryRelay();
		for (let i = 0; i < 300; i++) relay.doc.getMap('m').set(`key ${i}`, 'x'.repeat(20));
		for (let i = 0; i < 100; i++) relay.doc.getMap('m').delete(`key ${i}`);
		const doc = new Y.Doc();
		const awareness = new Awareness(doc);
		let parts = 0;
		const origins = new Set<unknown>();
		doc.on('update', (_update: Uint8Array, origin: unknown) => origins.add(origin));
		const connection = new RelayConnection({
			url: 'ws://relay/sync/g1',
			params: { token: 't' },
			doc,
			awareness,
			openSocket: relay.openSocket,
			backoff: () => 5,
			sliced: {
				aboveBytes: 1_000,
				async apply(update, origin) {
					for (const part of splitUpdate(update, 20)) {
						Y.applyUpdate(doc, part, origin);
						parts++;
						await new Promise((resolve) => setTimeout(resolve, 1));
					}
				}
			}
		});
		cleanups.push(() => {
			connection.destroy();
			awareness.destroy();
		});
		connection.connect();
		// Another member's edit reaches the relay while the answer is being applied here.
		await until(() => parts > 2, 'the answer being applied in parts');
		expect(connection.state.synced).toBe(false);
		const other = peer(relay);
		other.connection.connect();
		await until(() => other.connection.state.synced, 'the other member syncing');
		other.doc.getMap('m').set('key 150', 'changed meanwhile');
		await until(() => connection.state.synced, 'the first sync');
		await until(() => doc.getMap('m').get('key 150') === 'changed meanwhile', 'the edit made meanwhile');
		expect(parts).toBeGreaterThan(5);
		expect([...origins]).toEqual([connection.origin]);
		expect(doc.getMap('m').toJSON()).toEqual(relay.doc.getMap('m').toJSON());
		expect(doc.getMap('m').size).toBe(200);
		expect(await connection.confirm()).toBe(true);
	});

	it('confirms only once the relay holds every change sent before the question', async () => {
		const relay = new MemoryRelay();
		const a = peer(relay);
		expect(await a.connection.confirm()).toBe(false); // not connected: cannot be asked
		a.connection.connect();
		await until(() => a.connection.canConfirm, 'a connection that can confirm');
		for (let i = 0; i < 5; i++) a.doc.getArray<number>('x').push([i]);
		a.doc.getArray<number>('x').delete(0, 1); // a pure deletion is confirmed too
		const held = await a.connection.confirm();
		expect(held).toBe(true);
		expect(relay.doc.getArray<number>('x').toArray()).toEqual([1, 2, 3, 4]);
	});

	it('answers false to a question the relay could not answer before the connection dropped, then reconnects and catches up', async () => {
		const relay = new MemoryRelay();
		const a = peer(relay);
		a.connection.connect();
		await until(() => a.connection.canConfirm);
		a.doc.getMap('m').set('k', 'v');
		const question = a.connection.confirm();
		relay.dropAll();
		expect(await question).toBe(false);
		await until(() => !a.connection.state.connected, 'the drop');
		relay.reachable = false;
		a.doc.getMap('m').set('while-away', true);
		await new Promise((r) => setTimeout(r, 30));
		expect(a.connection.state.connected).toBe(false);
		expect(a.connection.state.failedAttempts).toBeGreaterThan(1);
		relay.reachable = true;
		await until(() => a.connection.state.synced, 'the reconnection');
		await until(() => relay.doc.getMap('m').get('while-away') === true, 'the change made while away reaching the relay');
		expect(a.connection.state.failedAttempts).toBe(0);
	});

	it('stops reconnecting after a lasting refusal and names it by its close code', async () => {
		const relay = new MemoryRelay();
		relay.refuseWith = CloseCode.revoked;
		const a = peer(relay);
		a.connection.connect();
		await until(() => a.connection.state.refusedWith !== null, 'the refusal');
		expect(a.connection.state.refusedWith).toBe(CloseCode.revoked);
		relay.refuseWith = null;
		a.connection.retryNow();
		await new Promise((r) => setTimeout(r, 40));
		expect(relay.opened.length).toBe(1);
		expect(a.connection.state.connected).toBe(false);
	});

	it('tries again after a while when the relay limits the rate of connections', async () => {
		const relay = new MemoryRelay();
		relay.refuseWith = CloseCode.rateLimited;
		const a = peer(relay);
		a.connection.connect();
		await until(() => a.connection.state.refusedWith === CloseCode.rateLimited, 'the 4429 refusal');
		relay.refuseWith = null;
		await until(() => a.connection.state.synced, 'the connection after the pause');
		expect(a.connection.state.refusedWith).toBeNull();
	});

	it('passes presence on and forgets the others when the connection drops', async () => {
		const relay = new MemoryRelay();
		const a = peer(relay);
		const b = peer(relay);
		a.awareness.setLocalStateField('member', { memberId: 'ana', name: 'Ana', color: '#c0392b' });
		b.awareness.setLocalStateField('member', { memberId: 'ben', name: 'Ben', color: '#2471a3' });
		a.connection.connect();
		await until(() => a.connection.state.synced);
		b.connection.connect();
		await until(() => a.awareness.getStates().has(b.awareness.clientID), 'Ben reaching Ana');
		b.awareness.setLocalStateField('member', { memberId: 'ben', name: 'Ben', color: '#2471a3', viewing: 'i1' });
		await until(() => a.awareness.getStates().get(b.awareness.clientID)?.member?.viewing === 'i1', 'Ben viewing an item');
		await until(() => b.awareness.getStates().has(a.awareness.clientID), 'Ana reaching Ben');
		relay.reachable = false;
		relay.dropAll();
		await until(() => !a.awareness.getStates().has(b.awareness.clientID), 'Ben gone for Ana');
	});

	it('sends the group as the relay expects: merged updates per task, and create dropped once registered', async () => {
		const relay = new MemoryRelay();
		const a = peer(relay, { token: 't', create: '1' });
		a.connection.connect();
		await until(() => a.connection.state.synced);
		a.connection.setParams({ token: 't' });
		relay.dropAll(1001);
		await until(() => relay.opened.length === 2, 'the reconnection');
		expect(relay.opened).toEqual(['ws://relay/sync/g1?token=t&create=1', 'ws://relay/sync/g1?token=t']);
	});

	it('brings every peer to the same group whatever the order of edits, drops and reconnections (seeded)', async () => {
		for (const seed of [1, 7, 42]) {
			let state = seed;
			const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
			const relay = new MemoryRelay();
			const peers = [peer(relay), peer(relay), peer(relay)];
			for (const p of peers) p.connection.connect();
			for (let step = 0; step < 60; step++) {
				const p = peers[Math.floor(random() * peers.length)];
				const roll = random();
				if (roll < 0.7) p.doc.getArray<string>('x').push([`${seed}-${step}`]);
				else if (roll < 0.8 && p.doc.getArray('x').length > 0) p.doc.getArray('x').delete(0, 1);
				else if (roll < 0.9) p.connection.disconnect();
				else p.connection.connect();
				if (random() < 0.3) await new Promise((r) => setTimeout(r, 1));
			}
			for (const p of peers) p.connection.connect();
			await until(() => peers.every((p) => p.connection.state.synced), `seed ${seed}: everyone synced`);
			for (const p of peers) expect(await p.connection.confirm()).toBe(true);
			await until(() => peers.every((p) => Y.encodeStateVector(p.doc).toString() === Y.encodeStateVector(relay.doc).toString()), `seed ${seed}: state vectors equal`);
			const expected = relay.doc.getArray('x').toJSON();
			for (const p of peers) expect(p.doc.getArray('x').toJSON()).toEqual(expected);
			// …and equal to a doc rebuilt from everyone's updates merged.
			const rebuilt = new Y.Doc();
			Y.applyUpdate(rebuilt, Y.mergeUpdates(peers.map((p) => Y.encodeStateAsUpdate(p.doc))));
			expect(rebuilt.getArray('x').toJSON()).toEqual(expected);
			for (const p of peers) p.connection.destroy();
		}
	});
});
