import { describe, expect, it } from 'vitest';
import { addHighlight, addNote, deleteNote } from './annotations';
import { createGroup, setMemberProfile } from './group';
import { addItem, countView, deleteItem } from './items';
import { countMembers, filterItems, listItems, listTrash, memberCounts, paginate, queryItems, queryTags, relatedTags, tagCounts } from './queries';
import { readAllItems, readAllItemsInSteps } from './read';
import { newDoc, testActor } from './testing';

function group(count: number) {
	const doc = newDoc();
	const ana = testActor('ana');
	const bo = testActor('bo');
	createGroup(doc, ana, { name: 'G', member: { name: 'Ana', color: '#000000' } });
	setMemberProfile(doc, bo, { name: 'Bo', color: '#ffffff' });
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const actor = i % 3 === 0 ? bo : ana;
		actor.tick();
		ids.push(addItem(doc, actor, { url: `https://e.org/${i}`, title: `Item ${i}`, tags: i % 2 ? 'odd' : 'even, amateur' }).itemId);
	}
	return { doc, ana, bo, ids };
}

describe('listItems', () => {
	it('lists newest first with "21 - 40 of 45" on page 2 at 20 per page', () => {
		const { doc } = group(45);
		const page = listItems(doc, { page: 2, perPage: 20 });
		expect(page).toMatchObject({ total: 45, page: 2, perPage: 20, pageCount: 3, from: 21, to: 40 });
		expect(page.items).toHaveLength(20);
		const all = listItems(doc, { perPage: 100 }).items;
		expect(all.map((i) => i.createdAt)).toEqual([...all.map((i) => i.createdAt)].sort((a, b) => b - a));
		expect(listItems(doc, { page: 3 })).toMatchObject({ from: 41, to: 45 });
	});

	it('falls back to 20 per page and clamps the page number', () => {
		const { doc } = group(5);
		expect(listItems(doc, { perPage: 7, page: 99 })).toMatchObject({ perPage: 20, page: 1, from: 1, to: 5 });
		expect(listItems(doc, { page: -3 })).toMatchObject({ page: 1 });
		expect(listItems(newDoc(), {})).toMatchObject({ total: 0, from: 0, to: 0, pageCount: 1 });
	});

	it('filters by tag, member and text over titles, URLs, tags, highlights and notes', () => {
		const { doc, ana, ids } = group(6);
		expect(listItems(doc, { tag: 'ODD' }).total).toBe(3);
		expect(listItems(doc, { member: 'bo' }).total).toBe(2);
		expect(listItems(doc, { tag: 'even', member: 'bo' }).total).toBe(1);
		addHighlight(doc, ana, ids[1], { exact: 'externalités positives' });
		addNote(doc, ana, ids[2], { text: 'Le revenu de base' });
		expect(listItems(doc, { text: 'EXTERNALITÉS' }).items.map((i) => i.id)).toEqual([ids[1]]);
		expect(listItems(doc, { text: 'revenu base' }).items.map((i) => i.id)).toEqual([ids[2]]);
		expect(listItems(doc, { text: 'e.org/4' }).items.map((i) => i.id)).toEqual([ids[4]]);
		expect(listItems(doc, { text: 'amateur' }).total).toBe(3);
		expect(listItems(doc, { text: 'nothing-like-this' }).total).toBe(0);
	});

	it('keeps only the ids of a search result when given', () => {
		const { doc, ids } = group(4);
		expect(queryItems(readAllItems(doc), {}, new Set([ids[0], ids[3]])).total).toBe(2);
	});

	it('moves deleted items to the trash listing', () => {
		const { doc, ana, ids } = group(3);
		deleteItem(doc, ana, ids[1]);
		expect(listItems(doc).total).toBe(2);
		expect(listItems(doc, { trash: true }).items.map((i) => i.id)).toEqual([ids[1]]);
	});
});

describe('combining tags', () => {
	it('lists the items carrying every chosen tag, from `tag` and `tags` together', () => {
		const { doc, ids } = group(6);
		// even: 0 2 4; amateur: 0 2 4; odd: 1 3 5
		expect(listItems(doc, { tags: ['even', 'amateur'] }).items.map((i) => i.id)).toEqual([ids[4], ids[2], ids[0]]);
		expect(listItems(doc, { tags: ['even', 'odd'] }).total).toBe(0);
		expect(listItems(doc, { tag: 'Amateur', tags: ['ODD'] }).total).toBe(0);
		expect(listItems(doc, { tag: 'amateur', tags: ['even'], member: 'bo' }).items.map((i) => i.id)).toEqual([ids[0]]);
		expect(listItems(doc, { tags: [] }).total).toBe(6);
	});

	it('normalises and de-duplicates the chosen tags, dropping empty ones', () => {
		expect(queryTags({ tag: ' Amateur ', tags: ['amateur', '', 'Digital  Labor'] })).toEqual(['amateur', 'digital labor']);
		expect(queryTags({})).toEqual([]);
	});

	it('counts the tags that would narrow a filtered listing, without the chosen ones', () => {
		const doc = newDoc();
		const ana = testActor('ana');
		createGroup(doc, ana, { name: 'G' });
		addItem(doc, ana, { url: 'https://e.org/1', tags: 'amateur, travail' });
		addItem(doc, ana, { url: 'https://e.org/2', tags: 'amateur, travail, uber' });
		addItem(doc, ana, { url: 'https://e.org/3', tags: 'amateur, culture' });
		addItem(doc, ana, { url: 'https://e.org/4', tags: 'travail' });
		const amateur = queryItems(readAllItems(doc), { tags: ['amateur'], perPage: 100 }).items;
		expect(relatedTags(amateur, ['amateur'])).toEqual([
			{ tag: 'travail', count: 2 },
			{ tag: 'culture', count: 1 },
			{ tag: 'uber', count: 1 }
		]);
	});
});

describe('sort orders', () => {
	function annotatedGroup() {
		const doc = newDoc();
		const ana = testActor('ana');
		createGroup(doc, ana, { name: 'G' });
		const ids: string[] = [];
		for (let i = 0; i < 4; i++) {
			ana.tick();
			ids.push(addItem(doc, ana, { url: `https://e.org/${i}`, title: `Item ${i}` }).itemId);
		}
		// Views: item 1 three times, item 2 once. Annotations: item 0 two (highlight + note), item 3 one.
		for (let v = 0; v < 3; v++) countView(doc, ana, ids[1]);
		countView(doc, ana, ids[2]);
		addHighlight(doc, ana, ids[0], { exact: 'a passage' });
		addNote(doc, ana, ids[0], { text: 'a note' });
		addNote(doc, ana, ids[3], { text: 'another note' });
		return { doc, ids };
	}
	const order = (doc: ReturnType<typeof newDoc>, sort: 'newest' | 'oldest' | 'views' | 'annotated' | undefined) => listItems(doc, { sort }).items.map((i) => i.title);

	it('sorts newest first by default, or oldest first', () => {
		const { doc } = annotatedGroup();
		expect(order(doc, undefined)).toEqual(['Item 3', 'Item 2', 'Item 1', 'Item 0']);
		expect(order(doc, 'newest')).toEqual(['Item 3', 'Item 2', 'Item 1', 'Item 0']);
		expect(order(doc, 'oldest')).toEqual(['Item 0', 'Item 1', 'Item 2', 'Item 3']);
	});

	it('sorts by views and by highlights plus notes, ties newest first', () => {
		const { doc } = annotatedGroup();
		expect(order(doc, 'views')).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 0']);
		expect(order(doc, 'annotated')).toEqual(['Item 0', 'Item 3', 'Item 2', 'Item 1']);
	});

	it('sorts before it pages', () => {
		const { doc } = annotatedGroup();
		expect(listItems(doc, { sort: 'oldest', perPage: 10, page: 1 }).items[0].title).toBe('Item 0');
		expect(queryItems(readAllItems(doc), { sort: 'views' }).items[0].title).toBe('Item 1');
	});

	it('falls back to newest first for an order it does not know', () => {
		const { doc } = annotatedGroup();
		expect(listItems(doc, { sort: 'random' as never }).items.map((i) => i.title)).toEqual(['Item 3', 'Item 2', 'Item 1', 'Item 0']);
	});
});

describe('counts and trash', () => {
	it('counts tags over live items, most used first', () => {
		const { doc, ana, ids } = group(5);
		expect(tagCounts(doc)).toEqual([
			{ tag: 'amateur', count: 3 },
			{ tag: 'even', count: 3 },
			{ tag: 'odd', count: 2 }
		]);
		deleteItem(doc, ana, ids[0]);
		expect(tagCounts(doc)).toEqual([
			{ tag: 'amateur', count: 2 },
			{ tag: 'even', count: 2 },
			{ tag: 'odd', count: 2 }
		]);
	});

	it('counts members’ items', () => {
		const { doc } = group(4);
		expect(memberCounts(doc).map((m) => [m.name, m.items])).toEqual([
			['Ana', 2],
			['Bo', 2]
		]);
		expect(countMembers([], readAllItems(doc))).toEqual([]);
	});

	it('lists deleted items and notes, newest deletion first', () => {
		const { doc, ana, ids } = group(2);
		const noteId = addNote(doc, ana, ids[0], { text: 'a note' });
		ana.tick();
		deleteNote(doc, ana, noteId);
		ana.tick();
		deleteItem(doc, ana, ids[1]);
		expect(listTrash(doc).map((t) => [t.kind, t.id])).toEqual([
			['item', ids[1]],
			['note', noteId]
		]);
	});

	it('gives every page of every order as sorting the whole listing would, picking out the first pages only', () => {
		const { doc, ana, ids } = group(300);
		// Equal times and views, so the orders' ties are broken as the whole sort breaks them.
		for (const [i, id] of ids.entries()) {
			if (i % 5 === 0) countView(doc, ana, id);
			if (i % 7 === 0) addNote(doc, ana, id, { text: `note ${i}` });
		}
		deleteItem(doc, ana, ids[10]);
		const items = readAllItems(doc).reverse();
		for (const sort of ['newest', 'oldest', 'views', 'annotated'] as const) {
			for (const query of [{}, { tags: ['odd'] }]) {
				for (const [page, perPage] of [[1, 20], [2, 20], [1, 10], [3, 50], [15, 20], [1, 100], [99, 20]]) {
					const whole = paginate(filterItems(items, { ...query, sort }), page, perPage);
					expect(queryItems(items, { ...query, sort, page, perPage }), `${sort} ${JSON.stringify(query)} page ${page} of ${perPage}`).toEqual(whole);
				}
			}
		}
		expect(queryItems(items, { text: 'nothing like it' })).toEqual(paginate([], 1, 20));
	});

	it('paginates any list', () => {
		expect(paginate([1, 2, 3], 2, 10)).toEqual({ items: [1, 2, 3], total: 3, page: 1, perPage: 10, pageCount: 1, from: 1, to: 3 });
		expect(paginate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 2, 10)).toMatchObject({ items: [11], from: 11, to: 11, pageCount: 2 });
	});
});

describe('readAllItemsInSteps', () => {
	it('reads the same items as readAllItems, pausing after every so many entries', () => {
		const { doc, ana, ids } = group(40);
		for (const id of ids.slice(0, 10)) {
			ana.tick();
			addHighlight(doc, ana, id, { exact: `passage of ${id}` });
			addNote(doc, ana, id, { text: `note on ${id}` });
		}
		deleteItem(doc, ana, ids[3]);
		const steps = readAllItemsInSteps(doc, 7);
		let pauses = 0;
		let step = steps.next();
		while (!step.done) {
			pauses++;
			step = steps.next();
		}
		expect(pauses).toBeGreaterThan(10);
		expect(step.value).toEqual(readAllItems(doc));
		expect(step.value.find((item) => item.id === ids[0])?.notes).toHaveLength(1);
	});
});
