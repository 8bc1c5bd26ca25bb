import { describe, expect, it } from 'vitest';
import { readAllItems } from '../../model/index';
import { fixture, member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { importFile, planImport } from './index';
import { joinDiigoTags, splitDiigoTags } from './diigo-csv';
import { exportGroup } from '../export/index';
import { addItem, listMembers, setMemberProfile } from '../../model/index';
import { previewImport } from './preview';

describe('Diigo CSV import', () => {
	it('reads quoted commas, quoted newlines, CRLF and a BOM', () => {
		const doc = newGroup();
		const file = fixture('diigo.csv');
		expect(file.text.startsWith('\uFEFF')).toBe(true);
		const summary = importFile(doc, member('alice'), file);
		expect(summary).toMatchObject({ format: 'Diigo CSV', added: 2, highlightsAdded: 4, notesAdded: 1 });
		const item = readAllItems(doc).find((i) => i.url === 'http://www.diigo.example/item/1')!;
		expect(item).toMatchObject({
			title: 'Amateurs, travail et TIC',
			tags: ['amateur', 'travail'],
			description: 'Un article "important"\nsur deux lignes',
			createdAt: Date.UTC(2013, 4, 21, 8, 17, 3)
		});
		expect(item.highlights.map((h) => h.exact)).toEqual(['Le travail des amateurs', 'Deuxième passage']);
		expect(item.notes.map((n) => n.text)).toEqual(['Premier commentaire']);
	});

	it('reads Diigo\'s "Highlight:" markers, "no_tag" and dates without a time zone (as UTC)', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('diigo.csv'));
		const item = readAllItems(doc).find((i) => i.url === 'http://www.diigo.example/item/2')!;
		expect(item.tags).toEqual([]);
		expect(item.createdAt).toBe(Date.UTC(2024, 4, 8, 5, 36, 43));
		expect(item.highlights.map((h) => h.exact)).toEqual(['A first passage,\nover two lines', 'A second one']);
	});

	it('skips rows without a web address and names their row', () => {
		const summary = importFile(newGroup(), member('alice'), fixture('diigo.csv'));
		expect(summary.skipped).toEqual([
			{ where: 'row 4', reason: 'It has no URL.' },
			{ where: 'row 5', reason: expect.stringMatching(/"javascript:" links are refused/) }
		]);
	});

	it('refuses a CSV file without a url column, and one with a broken quote, changing nothing', () => {
		const doc = newGroup();
		const before = JSON.stringify(readAllItems(doc));
		expect(() => importFile(doc, member('alice'), { name: 'x.csv', text: 'name,address\nA,https://a.example\n' })).toThrow(/no "url" column/);
		expect(() =>
			importFile(doc, member('alice'), { name: 'x.csv', text: 'title,url\nA,https://a.example\n"B,https://b.example\n' })
		).toThrow(/CSV file is broken at line 3/);
		expect(JSON.stringify(readAllItems(doc))).toBe(before);
	});

	it('splits tags written with commas or with spaces and quotes', () => {
		expect(splitDiigoTags('a,b c')).toEqual(['a', 'b c']);
		expect(splitDiigoTags('a "two words" b')).toEqual(['a', 'two words', 'b']);
		expect(splitDiigoTags('no_tag')).toEqual([]);
	});

	it('changes nothing on a second import', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('diigo.csv'));
		let updates = 0;
		doc.on('update', () => updates++);
		expect(importFile(doc, member('alice'), fixture('diigo.csv'))).toMatchObject({ added: 0, merged: 0, unchanged: 2 });
		expect(updates).toBe(0);
	});

	it('keeps multi-word tags whole: Diigo’s quoted form, quoted parts of a comma list, and our own export', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('diigo-multiword-tags.csv'));
		const tagsOf = (d: typeof doc, url: string) => readAllItems(d).find((i) => i.url === url)?.tags;
		expect(tagsOf(doc, 'https://www.deeplearningbook.org')).toEqual(['machine learning']);
		expect(tagsOf(doc, 'https://scikit-learn.org/stable')).toEqual(['machine learning', 'python']);
		expect(tagsOf(doc, 'https://en.wikipedia.org/wiki/Commonplace_book')).toEqual(['history', 'note taking']);
		const again = newGroup();
		importFile(again, member('alice'), { name: 'items.csv', text: exportGroup(doc, 'csv').body });
		expect(tagsOf(again, 'https://www.deeplearningbook.org')).toEqual(['machine learning']);
		expect(splitDiigoTags(joinDiigoTags(['say "hi" now']))).toEqual(['say "hi" now']);
	});

	it('keeps "highlight:" inside a passage and reads highlighted markup and entities as the text shown', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('diigo-highlight-markup.csv'));
		const passages = (url: string) => readAllItems(doc).find((i) => i.url === url)!.highlights.map((h) => h.exact);
		expect(passages('https://example.org/reading')).toEqual(['The editor wrote: highlight: only what matters, and nothing more.', 'Second passage']);
		expect(passages('https://www.w3.org/TR/annotation-model')).toEqual(['TextQuoteSelector exact match & context', 'Rock & roll — "live"']);
	});

	it('reads its own site and saved_by columns back', () => {
		const doc = newGroup();
		addItem(doc, member('alice'), { url: 'https://example.org/a', site: 'Example Journal' });
		const again = newGroup('Other', member('carol'));
		importFile(again, member('carol'), { name: 'items.csv', text: exportGroup(doc, 'csv').body });
		expect(readAllItems(again)[0]).toMatchObject({ site: 'Example Journal', createdBy: 'alice' });
	});

	it('reads site and saved_by from our older CSV exports, which name members only', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('commonplace-csv-before-json-columns.csv'));
		const item = readAllItems(doc).find((i) => i.url === 'https://www.rue89.com/amateurs')!;
		expect(item.site).toBe('Rue89');
		expect(listMembers(doc).find((m) => m.id === item.createdBy)?.name).toBe('Bob <b>');
		expect(item.notes.map((n) => n.text)).toEqual(['Bob thinks so.']);
	});

	it('takes an author named without an id to be the group’s member of that name', () => {
		const doc = newGroup('Tic&Travail', member('carol'));
		setMemberProfile(doc, member('bob'), { name: 'Bob <b>', color: '#aa3300' });
		// The group's owner is "Alice" (carol's profile); "Bob <b>" is bob; nobody else is new.
		expect(previewImport(doc, planImport(fixture('commonplace-csv-before-json-columns.csv'))).newAuthors).toEqual([]);
		importFile(doc, member('alice'), fixture('commonplace-csv-before-json-columns.csv'));
		const item = readAllItems(doc).find((i) => i.url === 'https://www.rue89.com/amateurs')!;
		expect(item.createdBy).toBe('bob');
		expect(readAllItems(doc).find((i) => i.url === 'https://example.com/=formula')!.createdBy).toBe('carol');
		expect(listMembers(doc).map((m) => m.name).sort()).toEqual(['Alice', 'Bob <b>']);
	});
});
