// SPEC §3.2 "no lost edit": each concurrent case, with the exact merged result.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addHighlight, addNote, deleteNote, editNote, noteText } from './annotations';
import { createGroup } from './group';
import { addItem, addTags, countView, deleteItem, editItem, removeTag } from './items';
import { getItem, readAllItems } from './read';
import { newDoc, syncAll, testActor } from './testing';

function twoPeers() {
	const a = newDoc();
	const b = newDoc();
	const ana = testActor('ana');
	const bo = testActor('bo', 1_700_000_000_500);
	createGroup(a, ana, { name: 'G' });
	syncAll(a, b);
	return { a, b, ana, bo };
}

describe('concurrent edits all survive', () => {
	it('two members bookmark the same URL offline: one item with everything both added', () => {
		const { a, b, ana, bo } = twoPeers();
		const ia = addItem(a, ana, { url: 'https://example.org/page', title: 'Title A', tags: 'alpha, shared', description: 'From Ana' });
		const ib = addItem(b, bo, { url: 'https://EXAMPLE.org/page/?utm_source=x', title: 'Title B', tags: 'beta, shared', description: 'From Bo' });
		expect(ia.itemId).toBe(ib.itemId);
		addHighlight(a, ana, ia.itemId, { exact: 'quote A', note: 'note on A' });
		addHighlight(b, bo, ib.itemId, { exact: 'quote B' });
		addNote(a, ana, ia.itemId, { text: 'Ana’s note' });
		addNote(b, bo, ib.itemId, { text: 'Bo’s note' });
		countView(a, ana, ia.itemId);
		countView(b, bo, ib.itemId);
		syncAll(a, b);

		for (const doc of [a, b]) {
			expect(readAllItems(doc)).toHaveLength(1);
			const item = getItem(doc, ia.itemId)!;
			expect(item.tags).toEqual(['alpha', 'beta', 'shared']);
			expect(item.highlights.map((h) => [h.exact, h.note]).sort()).toEqual([
				['quote A', 'note on A'],
				['quote B', '']
			]);
			expect(item.notes.map((n) => n.text).sort()).toEqual(['Ana’s note', 'Bo’s note']);
			expect(item.views).toBe(2);
			expect(item.savedBy.map((s) => s.memberId)).toEqual(['ana', 'bo']);
			expect(item.createdBy).toBe('ana');
			expect(item.description.split('\n\n').sort()).toEqual(['From Ana', 'From Bo']);
			expect(['Title A', 'Title B']).toContain(item.title);
		}
		expect(getItem(a, ia.itemId)).toEqual(getItem(b, ia.itemId));
	});

	it('a tag added concurrently with its removal stays (add wins)', () => {
		const { a, b, ana, bo } = twoPeers();
		const { itemId } = addItem(a, ana, { url: 'https://e.org', tags: 'keep, drop' });
		syncAll(a, b);
		removeTag(a, ana, itemId, 'keep');
		removeTag(a, ana, itemId, 'drop');
		addTags(b, bo, itemId, 'keep, new');
		syncAll(a, b);
		expect(getItem(a, itemId)!.tags).toEqual(['keep', 'new']);
		expect(getItem(b, itemId)!.tags).toEqual(['keep', 'new']);
	});

	it('a removal wins over tags it has seen, and both peers agree', () => {
		const { a, b, ana, bo } = twoPeers();
		const { itemId } = addItem(a, ana, { url: 'https://e.org', tags: 'x, y' });
		syncAll(a, b);
		removeTag(a, ana, itemId, 'x');
		removeTag(b, bo, itemId, 'x');
		removeTag(b, bo, itemId, 'y');
		syncAll(a, b);
		expect(getItem(a, itemId)!.tags).toEqual([]);
		expect(getItem(b, itemId)!.tags).toEqual([]);
	});

	it('two members typing in one note merge character by character', () => {
		const { a, b, ana, bo } = twoPeers();
		const { itemId } = addItem(a, ana, { url: 'https://e.org' });
		const noteId = addNote(a, ana, itemId, { text: 'The contributor of tomorrow.' });
		syncAll(a, b);
		editNote(a, ana, noteId, 'The amateur contributor of tomorrow.');
		editNote(b, bo, noteId, 'The contributor of tomorrow is motivated.');
		syncAll(a, b);
		expect(noteText(a, noteId).toString()).toBe('The amateur contributor of tomorrow is motivated.');
		expect(noteText(b, noteId).toString()).toBe(noteText(a, noteId).toString());
	});

	it('view counts from members and devices add up', () => {
		const { a, b, ana, bo } = twoPeers();
		const { itemId } = addItem(a, ana, { url: 'https://e.org' });
		const a2 = newDoc();
		syncAll(a, b, a2);
		for (let i = 0; i < 3; i++) countView(a, ana, itemId);
		for (let i = 0; i < 2; i++) countView(a2, ana, itemId);
		for (let i = 0; i < 4; i++) countView(b, bo, itemId);
		syncAll(a, b, a2);
		expect(getItem(a, itemId)).toMatchObject({ views: 9, viewsByMember: { ana: 5, bo: 4 } });
	});

	it('highlights and notes added while another member deletes the item come back with it', () => {
		const { a, b, ana, bo } = twoPeers();
		const { itemId } = addItem(a, ana, { url: 'https://e.org' });
		syncAll(a, b);
		deleteItem(a, ana, itemId);
		addHighlight(b, bo, itemId, { exact: 'still here' });
		addNote(b, bo, itemId, { text: 'me too' });
		syncAll(a, b);
		const item = getItem(a, itemId)!;
		expect(item.deletedAt).not.toBeNull();
		expect(item.highlights.map((h) => h.exact)).toEqual(['still here']);
		expect(item.notes.map((n) => n.text)).toEqual(['me too']);
	});

	it('editing a note while another member deletes it keeps the edit for restore', () => {
		const { a, b, ana, bo } = twoPeers();
		const { itemId } = addItem(a, ana, { url: 'https://e.org' });
		const noteId = addNote(a, ana, itemId, { text: 'draft' });
		syncAll(a, b);
		deleteNote(a, ana, noteId);
		editNote(b, bo, noteId, 'draft, improved');
		syncAll(a, b);
		expect(noteText(a, noteId).toString()).toBe('draft, improved');
	});

	it('different fields edited concurrently both stay; one field takes one value on every peer', () => {
		const { a, b, ana, bo } = twoPeers();
		const { itemId } = addItem(a, ana, { url: 'https://e.org', title: 'Old', description: 'one' });
		syncAll(a, b);
		editItem(a, ana, itemId, { title: 'New title' });
		editItem(b, bo, itemId, { site: 'New site', description: 'one two' });
		syncAll(a, b);
		expect(getItem(a, itemId)).toMatchObject({ title: 'New title', site: 'New site', description: 'one two' });
		expect(getItem(b, itemId)).toEqual(getItem(a, itemId));
	});

	it('the Yjs fact the schema avoids: concurrent nested maps at one key lose content', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const ma = new Y.Map<string>();
		a.getMap<Y.Map<string>>('items').set('url1', ma);
		ma.set('alpha', 'x');
		const mb = new Y.Map<string>();
		b.getMap<Y.Map<string>>('items').set('url1', mb);
		mb.set('beta', 'x');
		syncAll(a, b);
		expect([...a.getMap<Y.Map<string>>('items').get('url1')!.keys()]).toHaveLength(1);
	});
});
