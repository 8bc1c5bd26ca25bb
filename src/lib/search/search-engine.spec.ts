// The search engine kept on disk: saved with its items, loaded the next time, then told every item
// of the loaded document it re-indexes only what changed since; a listing is answered without the document.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, createGroup, deleteItem, editItem, readAllItems } from '$lib/model';
import { createMemoryItemStore, SearchEngine } from './search-engine';

function groupWith(titles: string[]) {
	const doc = new Y.Doc();
	const actor = { memberId: 'ann' };
	createGroup(doc, actor, { name: 'G' });
	const ids = titles.map((title, i) => addItem(doc, actor, { url: `https://example.org/${i}`, title }).itemId);
	return { doc, actor, ids };
}

describe('SearchEngine', () => {
	it('is saved and loaded with its items, then re-indexes only what changed since', async () => {
		const { doc, actor, ids } = groupWith(['About alpha', 'About beta', 'About gamma']);
		const store = createMemoryItemStore();
		const engine = new SearchEngine(store);
		engine.syncStart();
		engine.syncItems(readAllItems(doc));
		expect(engine.syncEnd()).toBe(3);
		const saved = structuredClone(engine.save());

		// Meanwhile: one item renamed, one deleted, one added.
		editItem(doc, actor, ids[0], { title: 'About omega' });
		deleteItem(doc, actor, ids[1]);
		addItem(doc, actor, { url: 'https://example.org/3', title: 'About delta' });

		const later = new SearchEngine(store);
		expect(later.load(saved)).toBe(true);
		// Before the document is read, it answers from what it saved, items included.
		expect((await later.page({ text: 'beta' })).items.map((i) => i.title)).toEqual(['About beta']);
		later.syncStart();
		later.syncItems(readAllItems(doc));
		expect(later.syncEnd()).toBe(3);
		expect(later.search('omega')).toEqual([ids[0]]);
		expect(later.search('alpha')).toEqual([]);
		expect(later.search('beta')).toEqual([]);
		expect(later.search('delta')).toHaveLength(1);
		expect(later.search('gamma')).toEqual([ids[2]]);
		expect((await later.page({ text: 'about' })).total).toBe(3);
		expect((await later.page({ text: 'beta' })).total).toBe(0);
	});

	it('follows changes item by item', async () => {
		const { doc, actor, ids } = groupWith(['Quincunx', 'Other']);
		const engine = new SearchEngine(createMemoryItemStore());
		engine.syncItems(readAllItems(doc));
		engine.syncEnd();
		editItem(doc, actor, ids[0], { title: 'Palimpsest' });
		engine.update(readAllItems(doc).filter((i) => i.id === ids[0]), []);
		expect(engine.search('quincunx')).toEqual([]);
		expect((await engine.page({ text: 'palimpsest' })).items.map((i) => i.id)).toEqual([ids[0]]);
		engine.update([], [ids[0]]);
		expect(engine.search('palimpsest')).toEqual([]);
		expect((await engine.page({})).total).toBe(1);
	});

	it('keeps the state of the document it was told it holds, until a change comes', () => {
		const { doc } = groupWith(['Quincunx', 'Other']);
		const engine = new SearchEngine(createMemoryItemStore());
		engine.syncItems(readAllItems(doc));
		engine.syncEnd();
		const state = new Uint8Array([1, 2, 3]);
		expect(engine.holds(state)).toBe(false);
		engine.mark(state);
		const later = new SearchEngine(createMemoryItemStore());
		expect(later.load(structuredClone(engine.save()))).toBe(true);
		expect(later.holds(new Uint8Array([1, 2, 3]))).toBe(true);
		expect(later.holds(new Uint8Array([1, 2, 4]))).toBe(false);
		later.update(readAllItems(doc).slice(0, 1), []);
		expect(later.holds(state)).toBe(false);
		const again = new SearchEngine(createMemoryItemStore());
		again.load(structuredClone(later.save()));
		expect(again.holds(state)).toBe(false);
	});

	it('refuses a saved form it cannot read, and is built from the items instead', () => {
		const { doc } = groupWith(['Quincunx']);
		const engine = new SearchEngine(createMemoryItemStore());
		expect(engine.load({ index: '{not json', prints: {}, stored: {} } as never)).toBe(false);
		expect(engine.ready).toBe(false);
		// One saved before the stored items' fingerprints were kept as two arrays.
		const built = new SearchEngine(createMemoryItemStore());
		built.syncItems(readAllItems(doc));
		built.syncEnd();
		const { storedIds, storedPrints, ...index } = built.save();
		expect(storedIds).toHaveLength(1);
		expect(engine.load({ ...index, stored: Object.fromEntries(storedIds.map((id, i) => [id, storedPrints[i]])) } as never)).toBe(false);
		expect(engine.ready).toBe(false);
		expect(new SearchEngine(createMemoryItemStore()).load(structuredClone(built.save()))).toBe(true);
		engine.syncItems(readAllItems(doc));
		engine.syncEnd();
		expect(engine.search('quincunx')).toHaveLength(1);
	});
});
