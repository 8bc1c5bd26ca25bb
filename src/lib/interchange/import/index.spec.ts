import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, readAllItems, roots } from '../../model/index';
import { fixture, member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { importFile, planImport } from './index';
import { ImportError, MAX_IMPORT_BYTES, type ImportProgress } from './types';

function expectImportError(fn: () => unknown, code: string, message: RegExp): void {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ImportError);
		expect((error as ImportError).code).toBe(code);
		expect((error as Error).message).toMatch(message);
		return;
	}
	throw new Error('expected the import to be refused');
}

describe('importFile', () => {
	it('recognises each format by its content', () => {
		const formats = {
			'firefox.html': 'Netscape bookmarks',
			'diigo.csv': 'Diigo CSV',
			'hypothesis.json': 'Hypothesis JSON',
			'web-annotation-single.jsonld': 'W3C Web Annotation'
		};
		for (const [name, format] of Object.entries(formats)) {
			expect(planImport({ ...fixture(name), name: 'upload' }).format).toBe(format);
		}
	});

	it('refuses a file over 50 MB before reading it', () => {
		const doc = newGroup();
		const text = '<DL><p><DT><A HREF="https://a.example">a</A>'.padEnd(MAX_IMPORT_BYTES + 1, ' ');
		expectImportError(() => importFile(doc, member('alice'), { name: 'huge.html', text }), 'too-large', /limited to 50 MB/);
		expect(readAllItems(doc)).toEqual([]);
	});

	it('names the line and column of invalid JSON and changes nothing', () => {
		const doc = newGroup();
		expectImportError(() => importFile(doc, member('alice'), fixture('invalid.json')), 'malformed', /not valid JSON at line 4, column 47/);
		expectImportError(
			() => importFile(doc, member('alice'), { name: 'x.json', text: '[\n {"a": 1},\n {"b": tru}\n]' }),
			'malformed',
			/at line 3/
		);
		expectImportError(() => importFile(doc, member('alice'), { name: 'x.json', text: '{"annotations": [' }), 'malformed', /not valid JSON/);
		expect(readAllItems(doc)).toEqual([]);
	});

	it('refuses unknown and empty files with a helpful message', () => {
		const doc = newGroup();
		expectImportError(() => importFile(doc, member('alice'), { name: 'notes.txt', text: 'hello' }), 'unknown-format', /Use browser bookmarks/);
		expectImportError(() => importFile(doc, member('alice'), { name: 'x.json', text: '{"hello": 1}' }), 'unknown-format', /not a Commonplace backup/);
		expectImportError(() => importFile(doc, member('alice'), { name: 'x.html', text: ' \n' }), 'empty', /is empty/);
		expectImportError(
			() => importFile(doc, member('alice'), { name: 'x.html', text: '<DL><DT><A HREF="javascript:alert(1)">x</A></DL>' }),
			'empty',
			/Nothing in "x.html" could be imported \(line 1: Only http and https/
		);
	});

	it('applies a whole file as one transaction whose origin is the importing member', () => {
		const doc = newGroup();
		const alice = member('alice');
		const origins: unknown[] = [];
		doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
		importFile(doc, alice, fixture('hypothesis.json'));
		expect(origins).toEqual([alice]);
	});

	it('counts pages it merged into existing ones', () => {
		const doc = newGroup();
		addItem(doc, member('bob'), { url: 'https://hyp.example/article', title: 'Already here' });
		const summary = importFile(doc, member('alice'), fixture('hypothesis.json'));
		expect(summary).toMatchObject({ added: 2, merged: 1 });
		expect(summary.message).toMatch(/^2 items added, 1 merged with existing ones, 3 highlights added, 3 notes added, 2 skipped: annotation 7/);
		// An existing title is kept.
		expect(readAllItems(doc).find((i) => i.url === 'https://hyp.example/article')!.title).toBe('Already here');
	});

	it('leaves a group written by a newer version untouched', () => {
		const doc = newGroup();
		roots(doc).meta.set('schemaVersion', 99);
		expectImportError(() => importFile(doc, member('alice'), fixture('firefox.html')), 'read-only', /newer version/);
		expect(readAllItems(doc)).toEqual([]);
	});

	it('reports progress while reading and saving a big file', () => {
		const lines = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>', '<DL><p>'];
		for (let i = 0; i < 2_500; i++) lines.push(`<DT><A HREF="https://big.example/${i}" ADD_DATE="${1_600_000_000 + i}">Page ${i}</A>`);
		lines.push('</DL>');
		const progress: ImportProgress[] = [];
		const summary = importFile(newGroup(), member('alice'), { name: 'big.html', text: lines.join('\n') }, (p) => progress.push(p));
		expect(summary.added).toBe(2_500);
		expect(progress.filter((p) => p.phase === 'reading').length).toBeGreaterThan(1);
		expect(progress.filter((p) => p.phase === 'saving').map((p) => p.done)).toEqual([0, 500, 1_000, 1_500, 2_000, 2_500]);
		expect(progress.at(-1)).toEqual({ phase: 'done', done: 2_500, total: 2_500 });
	});
});
