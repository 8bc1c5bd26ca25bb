import { describe, expect, it } from 'vitest';
import { readAllItems } from '../../model/index';
import { fixture, member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { importFile } from './index';

describe('Hypothesis import', () => {
	const doc = newGroup();
	const summary = importFile(doc, member('alice'), fixture('hypothesis.json'));
	const items = new Map(readAllItems(doc).map((item) => [item.url, item]));

	it('turns quoted annotations into highlights whose note is the annotation text, with their text position', () => {
		const article = items.get('https://hyp.example/article')!;
		expect(article.title).toBe('An article about <amateurs> & work');
		expect(article.highlights).toHaveLength(1);
		expect(article.highlights[0]).toMatchObject({
			exact: 'amateurs do real work',
			prefix: 'We argue that ',
			suffix: ' every day.',
			position: { start: 100, end: 120 },
			note: 'This is the key claim.',
			createdAt: Date.UTC(2024, 1, 1, 10)
		});
		expect(items.get('https://hyp.example/other')!.highlights.map((h) => [h.exact, h.note])).toEqual([['a highlight with no comment', '']]);
	});

	it('turns page notes and replies into notes and keeps tags', () => {
		const article = items.get('https://hyp.example/article')!;
		expect(article.notes.map((n) => n.text)).toEqual(['A page note about the **whole** article.', 'Bob replied: I disagree.']);
		expect(article.tags).toEqual(['amateur', 'reading', 'travail']);
	});

	it('keeps replies whose thread is missing and annotations that no longer anchor', () => {
		expect(items.get('https://hyp.example/other')!.notes.map((n) => n.text)).toEqual([
			'carol replied: Reply to an annotation that is not in this export.'
		]);
		expect(items.get('https://hyp.example/changed')!.highlights[0].exact).toBe('text that was removed from the page');
	});

	it('skips annotations without a web page, naming them', () => {
		expect(summary.skipped).toEqual([
			{ where: 'annotation 7 (NoPage0000000000000001)', reason: 'It does not say which page it annotates.' },
			{ where: 'annotation 8 (Local00000000000000001)', reason: expect.stringMatching(/"urn:" links are refused/) }
		]);
		expect(summary).toMatchObject({ added: 3, highlightsAdded: 3, notesAdded: 3 });
	});

	it('changes nothing when imported again', () => {
		let updates = 0;
		doc.on('update', () => updates++);
		expect(importFile(doc, member('alice'), fixture('hypothesis.json'))).toMatchObject({ added: 0, merged: 0, unchanged: 3 });
		expect(updates).toBe(0);
	});

	it('reads an API search result and a bare list too', () => {
		const rows = JSON.parse(fixture('hypothesis.json').text).annotations.slice(0, 2);
		const fromSearch = newGroup();
		importFile(fromSearch, member('alice'), { name: 'search.json', text: JSON.stringify({ total: 2, rows }) });
		const fromList = newGroup();
		importFile(fromList, member('alice'), { name: 'list.json', text: JSON.stringify(rows) });
		for (const doc of [fromSearch, fromList]) {
			const [item] = readAllItems(doc);
			expect(item.highlights).toHaveLength(1);
			expect(item.notes).toHaveLength(1);
		}
	});

	it('refuses an annotation that is not an object, naming it, and changes nothing', () => {
		const doc = newGroup();
		const text = JSON.stringify({ export_date: '2024-01-01', annotations: [{ uri: 'https://a.example', text: 'x' }, 42] });
		expect(() => importFile(doc, member('alice'), { name: 'h.json', text })).toThrow(/Annotation 2 .* is not an annotation object/);
		expect(readAllItems(doc)).toEqual([]);
	});
});
