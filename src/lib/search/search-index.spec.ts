// The search index answers as MiniSearch did with the options the app used before (the reference
// here): on a generated group, for words, prefixes, typos, accents, numbers and several words; after
// items change, go and come; and after a round trip through its saved form, as IndexedDB stores it.
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addHighlight, addItem, addNote, addReply, createGroup, deleteItem, editItem, readAllItems, type Item } from '$lib/model';
import { seededRandom } from '$lib/model/testing';
import { SearchIndex } from './search-index';

const WORDS = (
	'the of and a to in is that for it as was with be by on not this are or from at which commonplace reading ' +
	'margin marginalia annotation annotations library archive essay letter letters journal scholar quotation ' +
	'amateur amateurs amateurisme travail travailleurs Rémunérer rémunération externalités Stiegler Casilli ' +
	'2013 2014 2014-2015 v2 b2 co-édition l’économie numérique numériques creative commons e-mail ' +
	'quincunx quincunxial palimpsest palimpsestic naïve café cafés résumé Zürich straße'
).split(' ');

const FIELDS = ['title', 'url', 'site', 'description', 'tags', 'highlights', 'notes'] as const;

/** MiniSearch as the app configured it, the reference for every answer. */
function reference(items: readonly Item[]): MiniSearch {
	const fold = (term: string) => term.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
	const search = new MiniSearch({
		fields: [...FIELDS],
		processTerm: (term) => fold(term) || null,
		searchOptions: {
			boost: { title: 3, tags: 2 },
			prefix: true,
			fuzzy: (term) => (term.length >= 5 && !/\d/.test(term) ? 0.2 : false),
			combineWith: 'AND'
		}
	});
	search.addAll(
		items
			.filter((item) => item.deletedAt === null)
			.map((item) => ({
				id: item.id,
				title: item.title,
				url: item.url,
				site: item.site,
				description: item.description,
				tags: item.tags.join(' '),
				highlights: item.highlights.map((h) => `${h.exact}\n${h.note}`).join('\n'),
				notes: [...item.notes.map((n) => n.text), ...(item.replies ?? []).map((r) => r.text)].join('\n')
			}))
	);
	return search;
}

function generatedGroup(seed: number, count: number) {
	const rand = seededRandom(seed);
	const pick = () => WORDS[Math.floor(rand() * WORDS.length)];
	const words = (n: number) => Array.from({ length: n }, pick).join(rand() < 0.2 ? ', ' : ' ');
	const doc = new Y.Doc();
	const actor = { memberId: 'ann' };
	createGroup(doc, actor, { name: 'G' });
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const { itemId } = addItem(doc, actor, {
			url: `https://example.org/${pick()}/${i}`,
			title: words(2 + Math.floor(rand() * 5)),
			description: rand() < 0.5 ? words(6) : '',
			tags: rand() < 0.5 ? ['amateur', `tag${i % 7}`] : []
		});
		ids.push(itemId);
		if (rand() < 0.6) addHighlight(doc, actor, itemId, { exact: words(5), prefix: '', suffix: '', note: rand() < 0.3 ? words(3) : '' });
		if (rand() < 0.5) {
			const noteId = addNote(doc, actor, itemId, { text: words(8) });
			if (rand() < 0.3) addReply(doc, actor, { kind: 'note', id: noteId }, { text: words(4) });
		}
	}
	return { doc, actor, ids, rand, words };
}

/** Queries of every kind the search box takes. */
function queries(rand: () => number): string[] {
	const folded = WORDS.map((w) => w.toLowerCase());
	const typo = (w: string) => {
		const at = Math.floor(rand() * w.length);
		return rand() < 0.5 ? w.slice(0, at) + 'x' + w.slice(at + 1) : w.slice(0, at) + w.slice(at + 1);
	};
	const list = [
		...folded,
		...folded.map((w) => w.slice(0, Math.max(1, Math.ceil(w.length / 2)))),
		...folded.filter((w) => w.length >= 5).map(typo),
		...folded.filter((w) => w.length >= 8).map((w) => typo(typo(w))),
		'remunerer', 'REMUNERATION', 'zurich', 'strasse', 'cafe', 'naive', '2015', '201', 'tag3', 'example', 'https', 'org',
		'amateur travail', 'the margin', 'quincunxial', 'palimpsestik', 'quincunxal', 'stieglr casili', 'co édition',
		'', '   ', '!!!', '— «»', 'l’économie', 'e-mail commons', 'nothinglikethis', 'a b c'
	];
	for (let i = 0; i < 40; i++) list.push(`${folded[Math.floor(rand() * folded.length)]} ${folded[Math.floor(rand() * folded.length)].slice(0, 3)}`);
	return list;
}

function expectSameAnswers(index: SearchIndex, items: readonly Item[], rand: () => number): void {
	const oracle = reference(items);
	for (const query of queries(rand)) {
		const expected = new Set(oracle.search(query).map((r) => r.id as string));
		expect([...index.search(query)].sort(), `search for "${query}"`).toEqual([...expected].sort());
	}
}

// Hundreds of queries against both: slow on a busy machine.
describe('SearchIndex', { timeout: 60_000 }, () => {
	it('answers as MiniSearch did: words, prefixes, typos, accents, numbers, several words', () => {
		const { doc, rand } = generatedGroup(1, 300);
		const items = readAllItems(doc);
		const index = new SearchIndex();
		index.rebuild(items);
		expect(index.size).toBe(300);
		expectSameAnswers(index, items, rand);
	});

	it('answers the same after items are edited, deleted and added, and after a round trip through its saved form', () => {
		const { doc, actor, ids, rand, words } = generatedGroup(2, 200);
		const index = new SearchIndex();
		index.rebuild(readAllItems(doc));
		const changed = new Set<string>();
		for (let i = 0; i < 60; i++) {
			const id = ids[Math.floor(rand() * ids.length)];
			editItem(doc, actor, id, { title: words(3) });
			changed.add(id);
		}
		for (const id of ids.slice(0, 30)) {
			deleteItem(doc, actor, id);
			changed.add(id);
		}
		for (let i = 0; i < 20; i++) {
			const { itemId } = addItem(doc, actor, { url: `https://example.org/new/${i}`, title: `fresh ${words(3)}` });
			changed.add(itemId);
		}
		const items = readAllItems(doc);
		const byId = new Map(items.map((item) => [item.id, item]));
		index.update(changed, (id) => byId.get(id));
		expect(index.size).toBe(190);
		expectSameAnswers(index, items, rand);

		// IndexedDB keeps a structured clone.
		const loaded = new SearchIndex();
		expect(loaded.load(structuredClone(index.save()))).toBe(true);
		expect(loaded.size).toBe(190);
		expectSameAnswers(loaded, items, rand);
		// Saved again before any change it gives back what it loaded, which its changes leave alone.
		const unchanged = loaded.save();
		const copy = structuredClone(unchanged);
		expect(copy).toEqual(structuredClone(index.save()));

		// A loaded index takes changes as a built one does.
		const later = ids.slice(100, 140);
		for (const id of later) editItem(doc, actor, id, { title: `palimpsestic ${words(2)}` });
		const now = readAllItems(doc);
		const nowById = new Map(now.map((item) => [item.id, item]));
		loaded.update(later, (id) => nowById.get(id));
		expect(loaded.search('palimpsestic').size).toBeGreaterThanOrEqual(40);
		expectSameAnswers(loaded, now, rand);
		expect(unchanged).toEqual(copy);
	});

	it('re-indexes only what changed since it was saved when given every item', () => {
		const { doc, actor, ids } = generatedGroup(3, 50);
		const index = new SearchIndex();
		index.rebuild(readAllItems(doc));
		const saved = structuredClone(index.save());
		editItem(doc, actor, ids[0], { title: 'zanzibarpills' });
		deleteItem(doc, actor, ids[1]);
		const loaded = new SearchIndex();
		expect(loaded.load(saved)).toBe(true);
		const pass = loaded.reconcile();
		pass.add(readAllItems(doc));
		expect(pass.end()).toBe(2);
		expect(loaded.search('zanzibarpills')).toEqual(new Set([ids[0]]));
		expect(loaded.size).toBe(49);
	});

	it('stays right when many items go (its lists are compacted)', () => {
		const { doc, actor, ids, rand } = generatedGroup(4, 1_500);
		const index = new SearchIndex();
		index.rebuild(readAllItems(doc));
		const gone = ids.slice(0, 1_100);
		for (const id of gone) deleteItem(doc, actor, id);
		const items = readAllItems(doc);
		index.update(gone, () => null);
		expect(index.size).toBe(400);
		expectSameAnswers(index, items, rand);
	});

	it('refuses a saved form it cannot read', () => {
		const index = new SearchIndex();
		expect(index.load({ index: '{"old":"form"}', prints: {} } as never)).toBe(false);
		expect(index.load({ ids: ['a'], prints: new Uint32Array(1), terms: ['x'], offsets: new Uint32Array([0, 5]), postings: new Uint32Array(1) })).toBe(false);
		expect(index.ready).toBe(false);
	});
});
