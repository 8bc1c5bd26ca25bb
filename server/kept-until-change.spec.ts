import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, createGroup, deleteItem, readCover } from '../src/lib/model/index';
import { readOncePerChange } from './kept-until-change';

const owner = { memberId: 'owner' };

describe('readOncePerChange', () => {
	it('reads a doc once until it changes, by key, and again after any change, a deletion too', () => {
		const doc = new Y.Doc();
		createGroup(doc, owner, { name: 'Kept' });
		const { itemId: id } = addItem(doc, owner, { url: 'https://example.org/a', title: 'A' });
		let reads = 0;
		const cover = () => readOncePerChange(doc, 'cover', () => (reads++, readCover(doc, { owner: false })));
		expect(cover().newest.map((i) => i.title)).toEqual(['A']);
		expect(cover()).toBe(cover());
		expect(reads).toBe(1);
		expect(readOncePerChange(doc, 'other', () => 'other')).toBe('other');

		addItem(doc, owner, { url: 'https://example.org/b', title: 'B' });
		expect(cover().newest.map((i) => i.title)).toEqual(['B', 'A']);
		expect(reads).toBe(2);
		deleteItem(doc, owner, id);
		expect(cover().newest.map((i) => i.title)).toEqual(['B']);
		expect(reads).toBe(3);
	});
});
