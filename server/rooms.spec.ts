// Rooms without a network: nothing is answered before the doc is loaded, viewers cannot write,
// a failed write closes the room, and an idle room releases every timer it held.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { resolveConfig } from './config.ts';
import { createLocalFanout } from './fanout.ts';
import { createLogger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { createMemoryStore } from './persistence/memory.ts';
import type { RoomStore } from './persistence/types.ts';
import { Rooms, type Peer } from './rooms.ts';
import type { MemberRole } from './auth/types.ts';

function deps(store: RoomStore) {
	return {
		config: resolveConfig({ roomIdleMs: 1_000 }),
		store,
		fanout: createLocalFanout(),
		metrics: createMetrics(),
		log: createLogger('silent')
	};
}

interface TestPeer extends Peer {
	sent: Uint8Array[];
	closedWith: number | null;
}

function peer(role: MemberRole = 'editor'): TestPeer {
	const p: TestPeer = {
		id: Math.random(),
		role,
		tokenId: `token-${role}`,
		awarenessIds: new Set(),
		unresolvedChanges: 0,
		sent: [],
		closedWith: null,
		send: (message) => p.sent.push(message),
		close: (code) => {
			p.closedWith = code;
		}
	};
	return p;
}

/** [message type, sync step] of each message a peer got. */
const kinds = (p: TestPeer) =>
	p.sent.map((m) => {
		const d = decoding.createDecoder(m);
		const type = decoding.readVarUint(d);
		return type === 0 ? `sync-${decoding.readVarUint(d)}` : `type-${type}`;
	});

function anUpdate(text: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, text);
	return Y.encodeStateAsUpdate(doc);
}

describe('rooms', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('answers nothing until the stored doc is loaded', async () => {
		const store = createMemoryStore();
		await store.append('g', anUpdate('stored'));
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const slow: RoomStore = { ...store, load: async (groupId) => (await gate, store.load(groupId)) };
		const rooms = new Rooms(deps(slow));
		const room = rooms.open('g');
		const p = peer();
		room.join(p);
		await vi.advanceTimersByTimeAsync(50);
		expect(p.sent).toEqual([]);
		release();
		await room.ready;
		expect(kinds(p)).toEqual(['sync-0']);
		expect(room.doc.getText('t').toString()).toBe('stored');
	});

	it('drops document changes from viewers and stores those of editors', async () => {
		const store = createMemoryStore();
		const rooms = new Rooms(deps(store));
		const room = rooms.open('g');
		await room.ready;
		const viewer = peer('viewer');
		const editor = peer('editor');
		room.join(viewer);
		room.join(editor);
		expect(kinds(viewer)).toEqual([]);
		room.receive(viewer, { type: 'update', update: anUpdate('from a viewer') });
		await vi.advanceTimersByTimeAsync(0);
		expect(await store.load('g')).toBe(null);
		expect(room.doc.getText('t').toString()).toBe('');

		room.receive(editor, { type: 'update', update: anUpdate('from an editor') });
		await vi.advanceTimersByTimeAsync(0);
		expect((await store.load('g'))?.updates).toHaveLength(1);
		// Passed on to the viewer, not echoed to its sender.
		expect(kinds(viewer)).toEqual(['sync-2']);
		expect(kinds(editor)).toEqual(['sync-0']);
	});

	it('closes the room when a change cannot be stored, so members send it again', async () => {
		const store = createMemoryStore();
		const failing: RoomStore = { ...store, append: async () => Promise.reject(new Error('disk full')) };
		const rooms = new Rooms(deps(failing));
		const room = rooms.open('g');
		await room.ready;
		const a = peer();
		const b = peer();
		room.join(a);
		room.join(b);
		room.receive(a, { type: 'update', update: anUpdate('lost?') });
		await vi.advanceTimersByTimeAsync(0);
		expect(a.closedWith).toBe(1011);
		expect(b.closedWith).toBe(1011);
		expect(kinds(b)).toEqual(['sync-0']);
		expect(rooms.size).toBe(0);
	});

	it('refuses a change Yjs cannot read whole: a small group rebuilds its doc, a big one reads changes first', async () => {
		// A change whose structs are whole but whose delete set is cut: Yjs takes the structs, then throws.
		const source = new Y.Doc();
		source.getText('t').insert(0, 'abc');
		source.getText('t').delete(0, 1);
		const whole = Y.encodeStateAsUpdate(source);
		const cut = whole.slice(0, whole.length - 2);
		for (const stored of ['small', 'x'.repeat(1 << 20)]) {
			const store = createMemoryStore();
			await store.append('g', anUpdate(stored));
			const room = new Rooms(deps(store)).open('g');
			await room.ready;
			const sender = peer();
			room.join(sender);
			expect(() => room.receive(sender, { type: 'update', update: cut })).toThrow(expect.objectContaining({ code: 4400, reason: 'bad-update' }));
			if (stored === 'small') {
				// Part of the change reached the doc: it is rebuilt from what is stored.
				expect(room.rebuilding).not.toBe(null);
				await vi.advanceTimersByTimeAsync(0);
				await room.rebuilding;
			} else {
				expect(room.rebuilding).toBe(null);
			}
			expect(room.doc.getText('t').toString()).toBe(stored);
			expect((await store.load('g'))?.updates).toHaveLength(1);
		}
	});

	it('unloads an idle room, compacting its log and releasing every timer', async () => {
		const store = createMemoryStore();
		const rooms = new Rooms(deps(store));
		const room = rooms.open('g');
		await room.ready;
		const p = peer();
		room.join(p);
		room.receive(p, { type: 'update', update: anUpdate('kept') });
		room.receive(p, { type: 'awareness', update: awarenessOf(room.doc.clientID + 1) });
		await vi.advanceTimersByTimeAsync(0);
		expect(room.awareness.getStates().size).toBe(1);
		room.leave(p);
		expect(room.awareness.getStates().size).toBe(0);
		expect(vi.getTimerCount()).toBeGreaterThan(0);
		await vi.advanceTimersByTimeAsync(1_000);
		expect(rooms.size).toBe(0);
		expect(room.doc.isDestroyed).toBe(true);
		expect(vi.getTimerCount()).toBe(0);
		const stored = await store.load('g');
		expect(stored?.size.logUpdates).toBe(0);
		expect(stored?.updates).toHaveLength(1);
		const reloaded = rooms.open('g');
		await reloaded.ready;
		expect(reloaded.doc.getText('t').toString()).toBe('kept');
		reloaded.destroy(1001, 'done');
	});

	it('binds a presence to the connection that announced it first', async () => {
		const rooms = new Rooms(deps(createMemoryStore()));
		const room = rooms.open('g');
		await room.ready;
		const first = peer();
		const other = peer();
		room.join(first);
		room.join(other);
		room.receive(first, { type: 'awareness', update: awarenessOf(77, 1) });
		room.receive(other, { type: 'awareness', update: awarenessOf(77, 3) });
		expect(room.awareness.getStates().get(77)).toMatchObject({ clock: 0 });
		room.receive(first, { type: 'awareness', update: awarenessOf(77, 2) });
		expect(room.awareness.getStates().get(77)).toMatchObject({ clock: 1 });
		// Once its connection is gone, the id is free again (a member who reconnected takes it back),
		// but not for an echo of the presence that just left.
		room.leave(first);
		expect(room.awareness.getStates().has(77)).toBe(false);
		room.receive(other, { type: 'awareness', update: awarenessOf(77, 2) });
		expect(room.awareness.getStates().has(77)).toBe(false);
		room.receive(other, { type: 'awareness', update: awarenessOf(77, 4) });
		expect(room.awareness.getStates().get(77)).toMatchObject({ clock: 3 });
		room.leave(other);
		expect(room.awareness.getStates().has(77)).toBe(false);
		room.destroy(1001, 'done');
	});
});

function awarenessOf(clientId: number, clock = 1): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = clientId;
	const awareness = new awarenessProtocol.Awareness(doc);
	for (let i = 0; i < clock; i++) awareness.setLocalState({ user: { name: 'Ann' }, clock: i });
	const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
	doc.destroy();
	return update;
}