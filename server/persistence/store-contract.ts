// The contract every RoomStore passes (SQLite, in-memory, and any later PostgreSQL store): one suite,
// run against each implementation by stores.spec.ts.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { unpackHistory, type PackedHistory } from '../../src/lib/history/packed.ts';
import type { RoomStore } from './types.ts';

const unpack = (packed: PackedHistory | null) => packed && unpackHistory(packed);

export interface StoreHarness {
	store: RoomStore;
	/** The same storage opened again, as after a restart (or the same object for the in-memory twin). */
	reopen(): RoomStore;
	dispose(): void | Promise<void>;
}

function docFrom(updates: Uint8Array[]): Y.Doc {
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	return doc;
}

/** Edits on a doc, each captured as the update the relay would log. */
function edits(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	for (let i = 0; i < count; i++) {
		doc.getArray<number>('log').push([i]);
		if (i % 3 === 0) doc.getText('note').insert(0, `${i} `);
		if (i % 5 === 4) doc.getArray<number>('log').delete(0, 1);
	}
	return { doc, updates };
}

export function runRoomStoreContract(name: string, open: () => StoreHarness): void {
	describe(`RoomStore contract: ${name}`, () => {
		it('knows nothing of a group that was never stored', async () => {
			const { store, dispose } = open();
			try {
				expect(await store.load('unknown')).toBe(null);
				expect(await store.listGroups()).toEqual([]);
			} finally {
				await dispose();
			}
		});

		it('returns appended updates in order, with sizes, after reopening', async () => {
			const harness = open();
			try {
				const { doc, updates } = edits(12);
				let size = { logUpdates: 0, logBytes: 0, totalBytes: 0 };
				for (const update of updates) size = await harness.store.append('g1', update);
				expect(size.logUpdates).toBe(updates.length);
				expect(size.logBytes).toBe(updates.reduce((n, u) => n + u.length, 0));
				await harness.store.append('g2', updates[0]);
				const stored = await harness.reopen().load('g1');
				expect(stored?.updates).toEqual(updates);
				expect(stored?.size).toEqual(size);
				expect(Y.encodeStateAsUpdate(docFrom(stored!.updates))).toEqual(Y.encodeStateAsUpdate(doc));
				expect(await harness.store.listGroups()).toEqual(['g1', 'g2']);
			} finally {
				await harness.dispose();
			}
		});

		it('compacts into a snapshot that holds everything, and keeps appending after it', async () => {
			const harness = open();
			try {
				const { doc, updates } = edits(30);
				for (const update of updates.slice(0, 20)) await harness.store.append('g', update);
				const compacted = await harness.store.compact('g');
				expect(compacted.logUpdates).toBe(0);
				expect(compacted.totalBytes).toBeGreaterThan(0);
				for (const update of updates.slice(20)) await harness.store.append('g', update);
				const stored = await harness.reopen().load('g');
				expect(stored!.updates.length).toBe(1 + updates.length - 20);
				expect(docFrom(stored!.updates).getArray('log').toJSON()).toEqual(doc.getArray('log').toJSON());
				expect(docFrom(stored!.updates).getText('note').toString()).toBe(doc.getText('note').toString());
				// Compacting twice, or with nothing logged, changes nothing.
				await harness.store.compact('g');
				const again = await harness.store.compact('g');
				expect(again.logUpdates).toBe(0);
				expect(docFrom((await harness.store.load('g'))!.updates).getArray('log').toJSON()).toEqual(doc.getArray('log').toJSON());
			} finally {
				await harness.dispose();
			}
		});

		it('keeps every update appended while a compaction runs', async () => {
			const harness = open();
			try {
				const { doc, updates } = edits(40);
				for (const update of updates.slice(0, 20)) await harness.store.append('g', update);
				// Not awaited in turn: the compaction and the later appends are in flight together.
				await Promise.all([harness.store.compact('g'), ...updates.slice(20).map((update) => harness.store.append('g', update))]);
				await harness.store.compact('g');
				const stored = await harness.reopen().load('g');
				expect(docFrom(stored!.updates).getArray('log').toJSON()).toEqual(doc.getArray('log').toJSON());
				expect(docFrom(stored!.updates).getText('note').toString()).toBe(doc.getText('note').toString());
			} finally {
				await harness.dispose();
			}
		});

		it('keeps an update whose dependencies are missing through compaction', async () => {
			const harness = open();
			try {
				const { doc, updates } = edits(6);
				// Only the later updates: Yjs holds them as pending, and the snapshot must carry them.
				for (const update of updates.slice(3)) await harness.store.append('g', update);
				await harness.store.compact('g');
				const stored = await harness.store.load('g');
				const rebuilt = docFrom([...updates.slice(0, 3), ...stored!.updates]);
				expect(rebuilt.getArray('log').toJSON()).toEqual(doc.getArray('log').toJSON());
			} finally {
				await harness.dispose();
			}
		});

		it('removes a group entirely (a deleted group), leaving the others', async () => {
			const harness = open();
			try {
				await harness.store.append('g', edits(1).updates[0]);
				await harness.store.compact('g');
				await harness.store.append('g', edits(2).updates[1]);
				await harness.store.append('other', edits(1).updates[0]);
				await harness.store.remove('g');
				expect(await harness.store.load('g')).toBe(null);
				expect(await harness.store.listGroups()).toEqual(['other']);
				// Gone for good (after a restart too), while the other group keeps what it had.
				const reopened = harness.reopen();
				expect(await reopened.load('g')).toBe(null);
				expect((await reopened.load('other'))?.updates).toHaveLength(1);
				// Removing again, or a group never stored, is no error.
				await harness.store.remove('g');
				await harness.store.remove('never-stored');
			} finally {
				await harness.dispose();
			}
		});

		it('keeps each update\'s author, and its history through compactions', async () => {
			const harness = open();
			try {
				const { doc, updates } = edits(12);
				const now = Date.now();
				const author = (i: number) => ({ tokenId: i % 2 ? 'ana' : 'ben', name: i % 2 ? 'Ana' : 'Ben', at: now + i });
				for (let i = 0; i < 8; i++) await harness.store.append('g', updates[i], author(i));
				await harness.store.compact('g');
				for (let i = 8; i < updates.length; i++) await harness.store.append('g', updates[i], author(i));
				const history = await harness.reopen().loadHistory('g').then(unpack);
				expect(history!.updates.map((u) => u.author)).toEqual(updates.map((_, i) => author(i)));
				expect(history!.updates.map((u) => u.body)).toEqual(updates);
				const seqs = history!.updates.map((u) => u.seq);
				expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
				const replayed = docFrom([...(history!.base ? [history!.base] : []), ...history!.updates.map((u) => u.body)]);
				expect(replayed.getArray('log').toJSON()).toEqual(doc.getArray('log').toJSON());
				// A second compaction moves the rest; the history is still whole.
				await harness.store.compact('g');
				expect(unpack(await harness.store.loadHistory('g'))!.updates.map((u) => u.author)).toEqual(updates.map((_, i) => author(i)));
				// Updates without an author (logged before authors were kept) read as null.
				await harness.store.append('g', edits(40).updates.at(-1)!);
				expect(unpack(await harness.store.loadHistory('g'))!.updates.at(-1)!.author).toBe(null);
				await harness.store.remove('g');
				expect(await harness.store.loadHistory('g')).toBe(null);
			} finally {
				await harness.dispose();
			}
		});

		it('reads only the history after a reader\'s mark while its base is kept, and all of it once folded', async () => {
			const harness = open();
			try {
				const { updates } = edits(12);
				const old = Date.now() - 40 * 86_400_000;
				for (let i = 0; i < 6; i++) await harness.store.append('g', updates[i], { tokenId: 't', name: 'Ana', at: old + i });
				await harness.store.compact('g');
				const whole = (await harness.store.loadHistory('g'))!;
				expect(whole.after).toBe(null);
				const since = { baseThrough: whole.baseThrough, baseAt: whole.baseAt, after: whole.seqs[whole.seqs.length - 1] };
				for (let i = 6; i < 9; i++) await harness.store.append('g', updates[i], { tokenId: 't', name: 'Ana', at: Date.now() });
				const delta = (await harness.store.loadHistory('g', since))!;
				// A store may always answer with the whole history; one that cuts it says where.
				if (delta.after !== null) {
					expect([delta.after, delta.countThrough, delta.base]).toEqual([since.after, 6, null]);
					expect(unpack(delta)!.updates.map((u) => u.body)).toEqual(updates.slice(6, 9));
				} else expect(unpack(delta)!.updates.map((u) => u.body)).toEqual(updates.slice(0, 9));
				// The next compaction folds the old updates into a new checkpoint: the whole history again.
				await harness.store.compact('g');
				const folded = (await harness.store.loadHistory('g', since))!;
				expect(folded.after).toBe(null);
				expect(unpack(folded)!.updates.map((u) => u.body)).toEqual(updates.slice(6, 9));
			} finally {
				await harness.dispose();
			}
		});

		it('folds history older than the retention (30 days by default) into its checkpoint', async () => {
			const harness = open();
			try {
				const { doc, updates } = edits(12);
				const old = Date.now() - 40 * 86_400_000;
				for (let i = 0; i < 8; i++) await harness.store.append('g', updates[i], { tokenId: 't', name: 'Ana', at: old + i });
				await harness.store.compact('g');
				expect(unpack(await harness.store.loadHistory('g'))!.updates).toHaveLength(8);
				for (let i = 8; i < updates.length; i++) await harness.store.append('g', updates[i], { tokenId: 't', name: 'Ana', at: Date.now() });
				await harness.store.compact('g');
				const history = (await harness.reopen().loadHistory('g').then(unpack))!;
				expect(history.updates.map((u) => u.body)).toEqual(updates.slice(8));
				expect(history.baseAt).toBe(old + 7);
				const replayed = docFrom([history.base!, ...history.updates.map((u) => u.body)]);
				expect(replayed.getArray('log').toJSON()).toEqual(doc.getArray('log').toJSON());
				expect(replayed.getText('note').toString()).toBe(doc.getText('note').toString());
			} finally {
				await harness.dispose();
			}
		});
	});
}
