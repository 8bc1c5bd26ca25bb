// "N changes waiting" counts what the member did: views counted on the way are stored, and reach the
// relay, but are not changes waiting for it.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, addNote, countView, createGroup, isBookkeeping, readAllItems } from '$lib/model';
import { GroupState } from '$lib/state/group.svelte';
import { createMemoryBacking, createMemoryUpdateLog } from './memory-update-log';
import { compactLog } from './compact-log';
import { persistGroup } from './group-persistence';
import { splitUpdate } from './split-update';

const RELAY = { relay: true };

function setUp() {
	const backing = createMemoryBacking();
	const doc = new Y.Doc({ guid: 'g1' });
	const persistence = persistGroup(doc, 'g1', createMemoryUpdateLog(backing), {
		isLocal: (origin) => origin !== RELAY,
		isBookkeeping
	});
	return { backing, doc, persistence };
}

describe('changes waiting for the relay', () => {
	it('counts a note added offline as one change, not the view of its item too', async () => {
		const { doc, persistence } = setUp();
		await persistence.loaded;
		const state = new GroupState({ doc }, 'ann');
		createGroup(doc, state.actor, { name: 'Tic&Travail', member: { name: 'Ann', color: '#3366cc' } });
		const { itemId } = state.addItem({ url: 'https://scinfolex.com/remunerer', title: 'Rémunérer les amateurs' });
		persistence.confirm(persistence.mark());
		expect(persistence.state.waiting).toBe(0);

		state.countView(itemId); // opening the item page
		expect(persistence.state.waiting).toBe(0);
		state.addNote(itemId, 'on rentre dans le **vif** du sujet');
		expect(persistence.state.waiting).toBe(1);
		state.destroy();
	});

	it('does not count a view written by the model with the member as actor', async () => {
		const { doc, persistence } = setUp();
		await persistence.loaded;
		const actor = { memberId: 'ann' };
		createGroup(doc, actor, { name: 'G', member: { name: 'Ann', color: '#3366cc' } });
		const { itemId } = addItem(doc, actor, { url: 'https://example.org/a' });
		const before = persistence.state.waiting;
		countView(doc, actor, itemId);
		countView(doc, actor, itemId);
		expect(persistence.state.waiting).toBe(before);
		addNote(doc, actor, itemId, { text: 'a note' });
		expect(persistence.state.waiting).toBe(before + 1);
	});

	it('keeps the views in storage, so they survive a reload and reach the relay later', async () => {
		const { backing, doc, persistence } = setUp();
		await persistence.loaded;
		const actor = { memberId: 'ann' };
		createGroup(doc, actor, { name: 'G', member: { name: 'Ann', color: '#3366cc' } });
		const { itemId } = addItem(doc, actor, { url: 'https://example.org/a' });
		countView(doc, actor, itemId);
		await persistence.flushed();
		persistence.destroy();

		const reloaded = new Y.Doc({ guid: 'g1' });
		const again = persistGroup(reloaded, 'g1', createMemoryUpdateLog(backing), { isLocal: () => true, isBookkeeping });
		await again.loaded;
		expect(Y.encodeStateAsUpdate(reloaded)).toEqual(Y.encodeStateAsUpdate(doc));
		// Two edits wait (the group and the item); the view does not.
		expect(again.state.waiting).toBe(2);
	});
});

describe('confirmation', () => {
	it('writes each change to storage once: confirming it marks it settled instead of writing it again', async () => {
		const log = createMemoryUpdateLog();
		const written: number[] = [];
		const counting = {
			...log,
			append: (groupId: string, entries: { update: Uint8Array; waiting: boolean }[]) => {
				for (const e of entries) written.push(e.update.byteLength);
				return log.append(groupId, entries);
			},
			replace: (groupId: string, keys: Parameters<typeof log.replace>[1], entry: { update: Uint8Array; waiting: boolean }) => {
				written.push(entry.update.byteLength);
				return log.replace(groupId, keys, entry);
			}
		};
		const doc = new Y.Doc({ guid: 'g1' });
		const persistence = persistGroup(doc, 'g1', counting, { isLocal: (origin) => origin !== RELAY });
		await persistence.loaded;
		doc.getText('t').insert(0, 'x'.repeat(10_000));
		await persistence.flushed();
		expect(persistence.state.waiting).toBe(1);
		const once = written.reduce((a, b) => a + b, 0);
		expect(once).toBeGreaterThan(10_000);

		persistence.confirm(persistence.mark());
		await persistence.flushed();
		expect(persistence.state.waiting).toBe(0);
		expect(written.reduce((a, b) => a + b, 0)).toBe(once);
		expect((await log.load('g1')).map((s) => s.waiting)).toEqual([false]);
		persistence.destroy();
	});
});

describe('loading a large group', () => {
	it('applies a large stored update slice by slice, with a pause between, and ends with the same group', async () => {
		const backing = createMemoryBacking();
		const source = new Y.Doc();
		const actor = { memberId: 'ann' };
		createGroup(source, actor, { name: 'Big' });
		for (let i = 0; i < 200; i++) addNote(source, actor, addItem(source, actor, { url: `https://example.org/${i}`, title: `Page ${i}` }).itemId, { text: `note ${i}` });
		await createMemoryUpdateLog(backing).append('g1', [{ update: Y.encodeStateAsUpdate(source), waiting: false }]);

		const doc = new Y.Doc({ guid: 'g1' });
		const seen: number[] = [];
		const persistence = persistGroup(doc, 'g1', createMemoryUpdateLog(backing), {
			isLocal: (origin) => origin !== RELAY,
			slice: async (update) => splitUpdate(update, 100),
			sliceAboveBytes: 1_000,
			// What the page would see between two slices: items arrive a part at a time.
			pause: async () => void seen.push(readAllItems(doc).length)
		});
		await persistence.loaded;
		expect(seen.length).toBeGreaterThan(3);
		expect(seen[0]).toBeLessThan(200);
		expect(readAllItems(doc)).toEqual(readAllItems(source));
		persistence.destroy();
	});

	it('applies what a loader read elsewhere in slices, counts its waiting entries, and reads the log itself when the loader fails', async () => {
		const backing = createMemoryBacking();
		const source = new Y.Doc();
		const actor = { memberId: 'ann' };
		createGroup(source, actor, { name: 'Big' });
		for (let i = 0; i < 200; i++) addItem(source, actor, { url: `https://example.org/${i}`, title: `Page ${i}` });
		const log = createMemoryUpdateLog(backing);
		await log.append('g1', [{ update: Y.encodeStateAsUpdate(source), waiting: false }]);
		const before = Y.encodeStateVector(source);
		addNote(source, actor, addItem(source, actor, { url: 'https://example.org/offline' }).itemId, { text: 'written offline' });
		await log.append('g1', [{ update: Y.encodeStateAsUpdate(source, before), waiting: true }]);
		// What the worker gives: the same entries, the large one in slices.
		const loader = async (groupId: string) =>
			(await createMemoryUpdateLog(backing).load(groupId)).map(({ key, waiting, update }) => ({ key, waiting, bytes: update.length, slices: update.length > 1_000 ? splitUpdate(update, 100) : [update] }));

		for (const loadSliced of [loader, async () => Promise.reject(new Error('no worker'))]) {
			const doc = new Y.Doc({ guid: 'g1' });
			let pauses = 0;
			const persistence = persistGroup(doc, 'g1', createMemoryUpdateLog(backing), {
				isLocal: (origin) => origin !== RELAY,
				slice: async (update) => splitUpdate(update, 100),
				sliceAboveBytes: 1_000,
				loadSliced,
				pause: async () => void pauses++
			});
			await persistence.loaded;
			expect(pauses).toBeGreaterThan(3);
			expect(readAllItems(doc)).toEqual(readAllItems(source));
			expect(persistence.state.waiting).toBe(1);
			persistence.destroy();
		}
	});

	it('compacts elsewhere when told how (a worker on the same log), and here when that fails', async () => {
		for (const fails of [false, true]) {
			const backing = createMemoryBacking();
			const doc = new Y.Doc({ guid: 'g1' });
			const asked: string[] = [];
			const persistence = persistGroup(doc, 'g1', createMemoryUpdateLog(backing), {
				isLocal: (origin) => origin !== RELAY,
				compactAfter: 5,
				compact: async (groupId) => {
					asked.push(groupId);
					if (fails) throw new Error('no worker');
					return compactLog(createMemoryUpdateLog(backing), groupId);
				}
			});
			await persistence.loaded;
			for (let i = 0; i < 8; i++) {
				const other = new Y.Doc();
				other.getText('t').insert(0, `remote ${i} `);
				Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), RELAY);
				await persistence.flushed();
			}
			expect(asked.length, fails ? 'asked, and failed' : 'asked').toBeGreaterThan(0);
			expect(asked.every((id) => id === 'g1')).toBe(true);
			// Compacted either way, nothing lost.
			const stored = await createMemoryUpdateLog(backing).load('g1');
			expect(stored.length).toBeLessThan(4);
			const reloaded = new Y.Doc();
			for (const s of stored) Y.applyUpdate(reloaded, s.update);
			expect(reloaded.getText('t').toString()).toBe(doc.getText('t').toString());
			persistence.destroy();
		}
	});

	it('takes a group that nothing stores from elsewhere, applies it in slices telling how far, and stores it once, settled', async () => {
		const backing = createMemoryBacking();
		const source = new Y.Doc();
		const actor = { memberId: 'ann' };
		createGroup(source, actor, { name: 'Downloaded' });
		for (let i = 0; i < 200; i++) addItem(source, actor, { url: `https://example.org/${i}`, title: `Page ${i}` });
		const whole = Y.encodeStateAsUpdate(source);

		const doc = new Y.Doc({ guid: 'g1' });
		const applied: [number, number][] = [];
		const persistence = persistGroup(doc, 'g1', createMemoryUpdateLog(backing), {
			isLocal: (origin) => origin !== RELAY,
			slice: async (update) => splitUpdate(update, 100),
			sliceAboveBytes: 1_000,
			applied: (done, of) => applied.push([done, of]),
			initial: async () => whole
		});
		await persistence.loaded;
		expect(readAllItems(doc)).toEqual(readAllItems(source));
		expect(applied.length).toBeGreaterThan(3);
		expect(applied.at(-1)).toEqual([applied.length, applied.length]);
		await persistence.flushed();
		const stored = await createMemoryUpdateLog(backing).load('g1');
		expect(stored.map((s) => s.waiting)).toEqual([false]);
		expect(stored[0].update).toEqual(whole);
		expect(persistence.state.waiting).toBe(0);
		persistence.destroy();

		// The next opening reads storage, and asks elsewhere for nothing.
		const again = new Y.Doc({ guid: 'g1' });
		let asked = 0;
		const reopened = persistGroup(again, 'g1', createMemoryUpdateLog(backing), {
			isLocal: (origin) => origin !== RELAY,
			initial: async () => (asked++, null)
		});
		await reopened.loaded;
		expect(asked).toBe(0);
		expect(readAllItems(again)).toEqual(readAllItems(source));
		reopened.destroy();
	});

	it('opens an empty group when the download fails, for the relay\'s first sync to fill', async () => {
		const doc = new Y.Doc({ guid: 'g1' });
		const persistence = persistGroup(doc, 'g1', createMemoryUpdateLog(createMemoryBacking()), {
			isLocal: (origin) => origin !== RELAY,
			initial: async () => {
				throw new Error('offline');
			}
		});
		await persistence.loaded;
		expect(readAllItems(doc)).toEqual([]);
		expect(persistence.state.error).toBeNull();
		persistence.destroy();
	});
});
