import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addHighlight, addItem, addNote, createGroup, deleteHighlight, setHidden, setMemberProfile } from '$lib/model';
import { MEMBER_COLORS } from '$lib/storage/registry';
import { memberColor, readPageAnnotations, toPageHighlights } from './page-annotations';

function group() {
	const doc = new Y.Doc({ guid: 'g1' });
	const ana = { memberId: 'ana', now: () => 1_000 };
	createGroup(doc, ana, { name: 'Reading club', member: { name: 'Ana', color: '#117a65' } });
	const page = addItem(doc, ana, { url: 'https://news.example/a?utm_source=x', title: 'A' }).itemId;
	const other = addItem(doc, ana, { url: 'https://news.example/b', title: 'B' }).itemId;
	return { doc, ana, page, other };
}

describe('a page’s annotations', () => {
	it('are the live highlights and notes of that item only, oldest first, with position and member colour', () => {
		const { doc, ana, page, other } = group();
		const kept = addHighlight(doc, ana, page, { exact: 'second', position: { start: 10, end: 16 }, createdAt: 2 });
		addHighlight(doc, ana, page, { exact: 'first', createdAt: 1 });
		deleteHighlight(doc, ana, addHighlight(doc, ana, page, { exact: 'gone' }));
		addHighlight(doc, ana, other, { exact: 'elsewhere' });
		addNote(doc, ana, page, { text: 'A note' });
		const read = readPageAnnotations(doc, page);
		expect(read.highlights.map((h) => h.exact)).toEqual(['first', 'second']);
		expect(read.notes.map((n) => n.text)).toEqual(['A note']);
		expect(toPageHighlights(doc, read.highlights).find((h) => h.id === kept)).toEqual({
			id: kept,
			exact: 'second',
			prefix: '',
			suffix: '',
			position: { start: 10, end: 16 },
			color: '#117a65',
			memberName: 'Ana'
		});
	});

	it('leave out what an owner hid, and show it again once restored', () => {
		const { doc, ana, page } = group();
		const h = addHighlight(doc, ana, page, { exact: 'spam passage' });
		const n = addNote(doc, ana, page, { text: 'spam note' });
		addNote(doc, ana, page, { text: 'fine note' });
		setHidden(doc, ana, { kind: 'highlight', id: h }, true);
		setHidden(doc, ana, { kind: 'note', id: n }, true);
		const read = readPageAnnotations(doc, page);
		expect(read.highlights).toEqual([]);
		expect(read.notes.map((note) => note.text)).toEqual(['fine note']);
		setHidden(doc, ana, { kind: 'note', id: n }, false);
		expect(readPageAnnotations(doc, page).notes).toHaveLength(2);
	});

	it('colour a member with no profile from the app’s palette, the same on every peer', () => {
		const { doc } = group();
		expect(MEMBER_COLORS).toContain(memberColor(doc, 'ben'));
		expect(memberColor(doc, 'ben')).toBe(memberColor(new Y.Doc(), 'ben'));
		setMemberProfile(doc, { memberId: 'ben' }, { name: 'Ben', color: '#8E44AD' });
		expect(memberColor(doc, 'ben')).toBe('#8e44ad');
	});
});
