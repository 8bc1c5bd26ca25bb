import { describe, expect, it } from 'vitest';
import { listMembers, readAllItems } from '../../model/index';
import { fixture, member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { importFile, planImport } from './index';
import { previewImport } from './preview';

describe('W3C Web Annotation import', () => {
	it('reads a single annotation: quote to highlight, comment to its note, tagging body to a tag', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), fixture('web-annotation-single.jsonld'));
		expect(summary.format).toBe('W3C Web Annotation');
		const [item] = readAllItems(doc);
		expect(item.url).toBe('http://example.com/page1');
		expect(item.tags).toEqual(['philosophy']);
		expect(item.highlights.map((h) => [h.exact, h.prefix, h.suffix, h.note])).toEqual([
			['anotation', 'this is an ', ' that has some', 'A comment on the passage']
		]);
		expect(item.createdAt).toBe(Date.UTC(2015, 0, 28, 12));
	});

	it('reads an array: bodyValue to a note, tagging motivation to a tag, javascript: targets skipped', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), fixture('web-annotation-array.json'));
		const [item] = readAllItems(doc);
		expect(item.notes.map((n) => n.text)).toEqual(['Comment text as bodyValue']);
		expect(item.tags).toEqual(['tagged-by-motivation']);
		expect(summary.skipped).toEqual([{ where: 'annotation 3 (http://example.org/anno4)', reason: expect.stringMatching(/javascript:/) }]);
	});

	it('reads an AnnotationCollection across its embedded pages, with a TextPositionSelector beside a quote', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('web-annotation-collection.jsonld'));
		const [item] = readAllItems(doc);
		expect(item.highlights.map((h) => [h.exact, h.position])).toEqual([
			['first passage', { start: 412, end: 795 }],
			['second passage', undefined]
		]);
		expect(item.notes.map((n) => n.text)).toEqual(['note on the article']);
		expect(item.tags).toEqual(['second page tag']);
	});

	it('finds a TextPositionSelector wherever a quote is looked for, and keeps only whole ordered offsets', () => {
		const annotation = (n: number, selector: unknown) => ({
			'@context': 'http://www.w3.org/ns/anno.jsonld',
			id: `http://example.org/anno${n}`,
			type: 'Annotation',
			target: { source: `http://example.org/page${n}`, selector }
		});
		const quote = { type: 'TextQuoteSelector', exact: 'the passage' };
		const at = (start: unknown, end: unknown) => ({ type: 'TextPositionSelector', start, end });
		const text = JSON.stringify([
			annotation(1, [at(10, 21), quote]),
			annotation(2, { type: 'FragmentSelector', value: 'sec2', refinedBy: { ...quote, refinedBy: at(3, 14) } }),
			annotation(3, { type: 'CssSelector', value: '#main', refinedBy: [at(7, 18), quote] }),
			annotation(4, [quote, at(5, 5)]),
			annotation(5, [quote, at(-1, 10)]),
			annotation(6, [quote, at(1.5, 10)]),
			annotation(7, [quote, at('1', '12')]),
			annotation(8, [quote, at(20, 10)]),
			annotation(9, [quote, at(0, 1e12)]),
			annotation(10, at(0, 11))
		]);
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), { name: 'positions.jsonld', text });
		const byUrl = new Map(readAllItems(doc).map((item) => [item.url, item]));
		const position = (n: number) => byUrl.get(`http://example.org/page${n}`)?.highlights[0]?.position;
		expect(summary.skipped).toEqual([]);
		expect([1, 2, 3].map(position)).toEqual([{ start: 10, end: 21 }, { start: 3, end: 14 }, { start: 7, end: 18 }]);
		// A broken position is dropped, not the highlight: its quote still finds the passage.
		for (const n of [4, 5, 6, 7, 8, 9]) {
			expect(byUrl.get(`http://example.org/page${n}`)!.highlights.map((h) => h.exact)).toEqual(['the passage']);
			expect(position(n)).toBeUndefined();
		}
		// A position without a quote is no passage the app can show.
		expect(byUrl.get('http://example.org/page10')!.highlights).toEqual([]);
	});

	it('refuses a collection whose pages are only links, changing nothing', () => {
		const doc = newGroup();
		const text = JSON.stringify({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationCollection', first: 'http://example.org/page1' });
		expect(() => importFile(doc, member('alice'), { name: 'c.jsonld', text })).toThrow(/Page 1 of this annotation collection is only a link/);
		expect(readAllItems(doc)).toEqual([]);
	});

	it('changes nothing when imported again', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('web-annotation-collection.jsonld'));
		let updates = 0;
		doc.on('update', () => updates++);
		expect(importFile(doc, member('alice'), fixture('web-annotation-collection.jsonld'))).toMatchObject({ added: 0, unchanged: 1 });
		expect(updates).toBe(0);
	});
});

describe('W3C Web Annotation import: the model’s richer examples', () => {
	function imported() {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('web-annotation-w3c-examples.jsonld'));
		return { doc, byUrl: new Map(readAllItems(doc).map((item) => [item.url, item])) };
	}

	it('finds a TextQuoteSelector inside refinedBy, reads text/html bodies as text, and keeps the creator', () => {
		const { doc, byUrl } = imported();
		const [h] = byUrl.get('http://example.org/page1.html')!.highlights;
		expect([h.exact, h.prefix, h.suffix, h.note]).toEqual(['Selected text', 'text before the ', ' and text after it', "j'adore !"]);
		const author = listMembers(doc).find((m) => m.id === h.createdBy);
		expect(previewImport(newGroup(), planImport(fixture('web-annotation-w3c-examples.jsonld'))).newAuthors).toEqual(['A. Person', 'user2']);
		expect(author?.name).toBe('A. Person');
		expect(h.createdBy).not.toBe('alice');
	});

	it('reads a Choice body as its first option, by its creator', () => {
		const { byUrl } = imported();
		const notes = byUrl.get('http://example.org/page1.html')!.notes;
		expect(notes.map((n) => n.text)).toEqual(['I love this page!']);
		expect(notes[0].createdBy).toMatch(/^wa-/);
	});

	it('reads Composite, List and Independents targets as each of their items', () => {
		const { byUrl } = imported();
		expect(byUrl.get('http://example.org/page2.html')!.notes.map((n) => n.text)).toEqual(['These two pages say the same thing.']);
		expect(byUrl.get('http://example.org/page3.html')!.highlights.map((h) => [h.exact, h.note])).toEqual([['the same thing', 'These two pages say the same thing.']]);
		expect(byUrl.get('http://example.org/page4.html')!.tags).toEqual(['reading list']);
		expect(byUrl.get('http://example.org/page5.html')!.tags).toEqual(['reading list']);
	});
});
