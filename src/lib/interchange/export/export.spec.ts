import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addHighlight,
	addItem,
	addNote,
	bookkeepingOrigin,
	countView,
	deleteHighlight,
	deleteItem,
	deleteNote,
	editNote,
	fillPageDetails,
	readAllItems,
	setMemberProfile
} from '../../model/index';
import { member, newGroup, snapshot } from '../../../../tests/fixtures/interchange/helpers';
import { importFile } from '../import/index';
import { exportGroup } from './index';

const T = Date.UTC(2025, 2, 1, 9, 30, 15, 250);

/** A group with two members, tags, descriptions, an icon, highlights (one with its position), notes, views and things in the trash. */
function richGroup(): Y.Doc {
	const doc = newGroup('Tic&Travail <équipe> "quoted"');
	const alice = member('alice', T);
	const bob = member('bob', T + 60_000);
	setMemberProfile(doc, bob, { name: 'Bob <b>', color: '#aa3300' });
	const a = addItem(doc, alice, {
		url: 'https://example.org/amateurs',
		title: 'Amateurs & <work> "quoted" 🎉',
		description: 'Line one\nline two, with, commas',
		tags: ['amateur', 'travail & emploi'],
		createdAt: T - 86_400_000
	}).itemId;
	addItem(doc, bob, { url: 'https://example.org/amateurs', tags: ['bob-tag'], createdAt: T - 3_600_000 });
	fillPageDetails(doc, bookkeepingOrigin(member('bob', T + 30_000)), a, { favicon: 'https://example.org/favicon.ico' });
	addHighlight(doc, alice, a, {
		exact: 'amateurs do\nreal work',
		prefix: 'We argue that ',
		suffix: ' every day.',
		note: 'The key *claim*.',
		position: { start: 1_204, end: 1_225 }
	});
	addHighlight(doc, bob, a, { exact: 'a second passage' });
	const gone = addHighlight(doc, bob, a, { exact: 'deleted passage' });
	deleteHighlight(doc, member('alice', T + 120_000), gone);
	const note = addNote(doc, bob, a, { text: 'Bob thinks so, too.\n\n- a list' });
	editNote(doc, member('bob', T + 180_000), note, 'Bob thinks so, too!\n\n- a list');
	const deletedNote = addNote(doc, alice, a, { text: 'Removed later' });
	deleteNote(doc, alice, deletedNote);
	countView(doc, alice, a);
	countView(doc, alice, a);
	countView(doc, bob, a);
	const b = addItem(doc, bob, { url: 'https://example.com/=formula', title: '=HYPERLINK("https://evil.example")', tags: ['csv'], createdAt: T - 7_200_000 }).itemId;
	addNote(doc, alice, b, { text: 'Only a note here' });
	const c = addItem(doc, alice, { url: 'https://example.net/trashed', title: 'In the trash', createdAt: T - 1_000 }).itemId;
	deleteItem(doc, bob, c);
	return doc;
}

function emptyGroup(): Y.Doc {
	return newGroup('Restored', member('carol'));
}

describe('exports', () => {
	it('names files after the group and gives each format its content type', () => {
		const doc = richGroup();
		const types = { json: 'application/json', html: 'text/html', jsonld: 'application/ld+json', csv: 'text/csv' } as const;
		for (const [format, type] of Object.entries(types)) {
			const file = exportGroup(doc, format as keyof typeof types);
			expect(file.contentType.startsWith(type)).toBe(true);
			expect(file.filename).toMatch(/^tic-travail-equipe-quoted-\d{4}-\d{2}-\d{2}-/);
		}
	});

	it('JSON backup → empty group gives an identical listing, trash included', () => {
		const doc = richGroup();
		const restored = emptyGroup();
		const summary = importFile(restored, member('carol'), { name: 'backup.json', ...{ text: exportGroup(doc, 'json').body } });
		expect(summary).toMatchObject({ format: 'Commonplace backup', added: 3, skipped: [] });
		expect(snapshot(restored)).toBe(snapshot(doc));
		// And once more changes nothing at all.
		let updates = 0;
		restored.on('update', () => updates++);
		expect(importFile(restored, member('carol'), { name: 'backup.json', text: exportGroup(doc, 'json').body })).toMatchObject({ added: 0, merged: 0, unchanged: 3 });
		expect(updates).toBe(0);
	});

	it('W3C JSON-LD → model keeps every highlight (with its position selector), note and tag', () => {
		const doc = richGroup();
		const file = exportGroup(doc, 'jsonld');
		const collection = JSON.parse(file.body);
		expect(collection).toMatchObject({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationCollection' });
		const first = collection.first.items;
		const bookmark = first.find((a: { target: { id?: string } }) => a.target.id === 'https://example.org/amateurs');
		expect(bookmark).toMatchObject({
			motivation: 'bookmarking',
			creator: { type: 'Person' },
			body: expect.arrayContaining([{ type: 'TextualBody', value: 'amateur', purpose: 'tagging', format: 'text/plain' }])
		});
		// A highlight that knows where its passage is gets both selectors; the others keep a single one.
		const targets = first.filter((a: { motivation: string; target: unknown }) => a.motivation !== 'bookmarking' && typeof a.target === 'object');
		expect(targets.map((a: { target: { selector: unknown } }) => a.target.selector)).toEqual(
			expect.arrayContaining([
				[
					{ type: 'TextQuoteSelector', exact: 'amateurs do\nreal work', prefix: 'We argue that ', suffix: ' every day.' },
					{ type: 'TextPositionSelector', start: 1_204, end: 1_225 }
				],
				{ type: 'TextQuoteSelector', exact: 'a second passage' }
			])
		);
		const restored = emptyGroup();
		importFile(restored, member('carol'), { name: 'x.jsonld', text: file.body });
		const shape = (d: Y.Doc) =>
			readAllItems(d)
				.filter((i) => i.deletedAt === null)
				.map((i) => ({
					url: i.url,
					title: i.title,
					description: i.description,
					tags: i.tags,
					createdAt: i.createdAt,
					highlights: i.highlights.map((h) => JSON.stringify([h.exact, h.prefix, h.suffix, h.position, h.note, h.createdAt])).sort(),
					notes: i.notes.map((n) => [n.text, n.createdAt]).sort()
				}))
				.sort((x, y) => x.url.localeCompare(y.url));
		expect(shape(restored)).toEqual(shape(doc));
		expect(importFile(restored, member('carol'), { name: 'x.jsonld', text: file.body })).toMatchObject({ added: 0, merged: 0 });
	});

	it('Netscape export → import keeps URLs, titles, tags and dates, and escapes everything', () => {
		const doc = richGroup();
		const file = exportGroup(doc, 'html');
		expect(file.body).toContain('Amateurs &amp; &lt;work&gt; &quot;quoted&quot; 🎉');
		expect(file.body).not.toContain('In the trash');
		const restored = emptyGroup();
		importFile(restored, member('carol'), { name: 'bookmarks.html', text: file.body });
		const shape = (d: Y.Doc) =>
			readAllItems(d)
				.filter((i) => i.deletedAt === null)
				.map((i) => [i.url, i.title, i.tags, Math.floor(i.createdAt / 1000), i.description])
				.sort();
		expect(shape(restored)).toEqual(shape(doc));
	});

	it('Netscape export puts each item in a folder named after its first tag, and keeps TAGS', () => {
		const doc = richGroup();
		const body = exportGroup(doc, 'html').body;
		expect(body).toMatch(/<DT><H3>amateur<\/H3>\n\s*<DL><p>\n\s*<DT><A HREF="https:\/\/example.org\/amateurs"[^>]* TAGS="amateur,bob-tag,travail &amp; emploi"/);
		expect(body).toMatch(/<DT><H3>csv<\/H3>\n\s*<DL><p>\n\s*<DT><A HREF="https:\/\/example.com\/=formula"/);
		// A browser keeps the folders and ignores TAGS: the items still arrive filed under their first tag.
		const asBrowser = body.replace(/ TAGS="[^"]*"/g, '');
		const restored = emptyGroup();
		importFile(restored, member('carol'), { name: 'chromium.html', text: asBrowser });
		expect(readAllItems(restored).map((i) => [i.url, i.tags]).sort()).toEqual([
			['https://example.com/=formula', ['csv']],
			['https://example.org/amateurs', ['amateur']]
		]);
	});

	it('CSV follows RFC 4180, defuses formulas and reads back as a Diigo CSV', () => {
		const doc = richGroup();
		const file = exportGroup(doc, 'csv');
		expect(file.body.split('\r\n')[0]).toBe('title,url,tags,description,comments,annotations,created_at,site,saved_by,saved_by_id,image,highlights_json,notes_json');
		expect(file.body).toContain('"Amateurs & <work> ""quoted"" 🎉"');
		const parsed = Papa.parse<string[]>(file.body.trimEnd(), { newline: '\r\n' });
		expect(parsed.errors).toEqual([]);
		expect(parsed.data).toHaveLength(3);
		expect(parsed.data.map((row) => row[0])).toContain(`'=HYPERLINK("https://evil.example")`);
		const restored = emptyGroup();
		importFile(restored, member('carol'), { name: 'items.csv', text: file.body });
		const shape = (d: Y.Doc) =>
			readAllItems(d)
				.filter((i) => i.deletedAt === null)
				.map((i) => [i.url, i.title, i.tags, i.createdAt, i.description])
				.sort();
		expect(shape(restored)).toEqual(shape(doc));
	});
});
