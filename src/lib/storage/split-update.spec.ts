// Slices of a large update, applied one after another, give the same document as the update.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addHighlight, addItem, addNote, createGroup, deleteItem, editNote, readAllItems } from '$lib/model';
import { seededRandom } from '$lib/model/testing';
import { splitUpdate } from './split-update';

/** A group written by three members on three docs that sync now and then, with edits and deletions. */
function busyGroup(): Y.Doc {
	const rand = seededRandom(7);
	// Without garbage collection, deleted text stays as items that only the delete set marks deleted.
	const docs = [new Y.Doc({ gc: false }), new Y.Doc({ gc: false }), new Y.Doc({ gc: false })];
	const actors = docs.map((_, i) => ({ memberId: `m${i}` }));
	createGroup(docs[0], actors[0], { name: 'Busy' });
	const sync = () => {
		for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	};
	sync();
	const itemIds: string[] = [];
	for (let i = 0; i < 120; i++) {
		const d = Math.floor(rand() * docs.length);
		const { itemId } = addItem(docs[d], actors[d], { url: `https://example.org/${i}`, title: `Page ${i}`, tags: [`t${i % 7}`] });
		itemIds.push(itemId);
		if (i % 3 === 0) addHighlight(docs[d], actors[d], itemId, { exact: `quote ${i}` });
		if (i % 4 === 0) {
			const noteId = addNote(docs[d], actors[d], itemId, { text: `note ${i}` });
			editNote(docs[d], actors[d], noteId, `note ${i}, edited`);
		}
		if (i % 10 === 9) sync();
	}
	sync();
	for (let i = 0; i < 120; i += 11) deleteItem(docs[0], actors[0], itemIds[i]);
	// Text typed and partly erased, as in live note editing: only the delete set says what is gone.
	const text = docs[2].getText('typing');
	for (let i = 0; i < 50; i++) text.insert(text.length, `word${i} `);
	for (let i = 0; i < 20; i++) text.delete(i * 3, 2);
	sync();
	return docs[1];
}

describe('splitUpdate', () => {
	it('gives slices that rebuild the same document, deletions included', () => {
		const source = busyGroup();
		const update = Y.encodeStateAsUpdate(source);
		const slices = splitUpdate(update, 40);
		expect(slices.length).toBeGreaterThan(5);
		const target = new Y.Doc({ gc: false });
		for (const slice of slices) Y.applyUpdate(target, slice);
		expect(target.store.pendingStructs).toBeNull();
		expect(readAllItems(target)).toEqual(readAllItems(source));
		expect(readAllItems(target).filter((i) => i.deletedAt !== null).length).toBe(11);
		expect(Y.encodeStateVector(target)).toEqual(Y.encodeStateVector(source));
		expect(target.getText('typing').toString()).toBe(source.getText('typing').toString());
		expect(Y.encodeStateAsUpdate(target)).toEqual(update);
	});

	it('applies a large delete set in slices of its own, after every struct', () => {
		const source = busyGroup();
		const update = Y.encodeStateAsUpdate(source);
		const ranges = [...Y.decodeUpdate(update).ds.clients.values()].reduce((n, items) => n + items.length, 0);
		expect(ranges).toBeGreaterThanOrEqual(20);
		const slices = splitUpdate(update, 8);
		const deleting = slices.filter((slice) => Y.decodeUpdate(slice).ds.clients.size > 0);
		expect(deleting.length).toBeGreaterThanOrEqual(Math.ceil(ranges / 8));
		for (const slice of deleting) {
			const { structs, ds } = Y.decodeUpdate(slice);
			expect(structs).toEqual([]);
			expect([...ds.clients.values()].reduce((n, items) => n + items.length, 0)).toBeLessThanOrEqual(8);
		}
		expect(slices.indexOf(deleting[0])).toBeGreaterThan(slices.findLastIndex((slice) => Y.decodeUpdate(slice).structs.length > 0));
		const target = new Y.Doc({ gc: false });
		for (const slice of slices) Y.applyUpdate(target, slice);
		expect(target.getText('typing').toString()).toBe(source.getText('typing').toString());
		expect(Y.encodeStateAsUpdate(target)).toEqual(update);
	});

	it('cuts an update of deletions alone (the relay\'s answer to a device that holds every item)', () => {
		const source = busyGroup();
		const copy = new Y.Doc({ gc: false });
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(source));
		// What the copy lacks is nothing but the delete set, which every answer carries whole.
		const answer = Y.encodeStateAsUpdate(source, Y.encodeStateVector(copy));
		expect(Y.decodeUpdate(answer).structs).toEqual([]);
		const ranges = [...Y.decodeUpdate(answer).ds.clients.values()].reduce((n, items) => n + items.length, 0);
		const slices = splitUpdate(answer, 8);
		expect(slices.length).toBeGreaterThanOrEqual(Math.ceil(ranges / 8));
		for (const slice of slices) Y.applyUpdate(copy, slice);
		expect(Y.encodeStateAsUpdate(copy)).toEqual(Y.encodeStateAsUpdate(source));
	});

	it('keeps a small update whole', () => {
		const update = Y.encodeStateAsUpdate(busyGroup());
		expect(splitUpdate(update, 1_000_000)).toEqual([update]);
	});
});
