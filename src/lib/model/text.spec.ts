import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from './errors';
import { cleanLine, cleanText, normalizeTag, parseTagList, replaceText } from './text';

describe('cleanLine and cleanText', () => {
	it('strips control characters and bidi overrides, collapses whitespace in a line', () => {
		expect(cleanLine('  a\u0000b\tc\n d\u202Ee  ', 100, 'title')).toBe('a b c d e');
	});

	it('keeps newlines and tabs in multi-line text and turns CRLF into LF', () => {
		expect(cleanText('one\r\ntwo\rthree\u0007\tfour', 100, 'note')).toBe('one\ntwo\nthree\tfour');
	});

	it('keeps HTML as plain text (escaping is the renderer’s job)', () => {
		expect(cleanLine('<img src=x onerror=alert(1)>', 100, 'title')).toBe('<img src=x onerror=alert(1)>');
	});

	it('replaces lone surrogates, which would reach other peers changed', () => {
		expect(cleanText('a\ud83d b \ude00 c 😀', 100, 'note')).toBe('a\ufffd b \ufffd c 😀');
		expect(cleanLine('\ud83d', 100, 'title')).toBe('\ufffd');
	});

	it('normalises Unicode to NFC', () => {
		expect(cleanLine('e\u0301', 10, 'title')).toBe('\u00e9');
	});

	it('refuses text over the limit with the limit in the message', () => {
		expect(() => cleanLine('x'.repeat(11), 10, 'title')).toThrow(/title is 11 characters long; the limit is 10/);
	});
});

describe('tags', () => {
	it('are trimmed, case-folded and whitespace-collapsed', () => {
		expect(normalizeTag('  Digital   Labor ')).toBe('digital labor');
		expect(normalizeTag('ÉCONOMIE')).toBe('économie');
	});

	it('refuses empty and over-long tags', () => {
		expect(() => normalizeTag('   ')).toThrow(ModelError);
		expect(() => normalizeTag('x'.repeat(65))).toThrow(/limit is 64/);
	});

	it('parse comma-separated lists into unique tags', () => {
		expect(parseTagList('amateur, Travail,, travail ,digital labor')).toEqual(['amateur', 'travail', 'digital labor']);
		expect(parseTagList(['A', 'a', ' '])).toEqual(['a']);
	});
});

describe('replaceText', () => {
	function edit(before: string, after: string): { result: string; deltas: unknown[] } {
		const doc = new Y.Doc();
		const text = doc.getText('t');
		text.insert(0, before);
		const deltas: unknown[] = [];
		text.observe((e) => deltas.push(e.delta));
		replaceText(text, after);
		return { result: text.toString(), deltas };
	}

	it.each([
		['hello world', 'hello brave world'],
		['hello world', 'hello'],
		['', 'new'],
		['gone', ''],
		['abc', 'abc'],
		['aaa', 'aaaa'],
		['smile 😀 here', 'smile 😃 here'],
		['😀', '😀😀']
	])('%j → %j', (before, after) => {
		expect(edit(before, after).result).toBe(after);
	});

	it('changes only the edited span, so a concurrent edit elsewhere survives', () => {
		const a = new Y.Doc();
		a.getText('t').insert(0, 'The quick fox');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		replaceText(a.getText('t'), 'The quick brown fox');
		replaceText(b.getText('t'), 'The quick fox jumps');
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(a.getText('t').toString()).toBe('The quick brown fox jumps');
		expect(b.getText('t').toString()).toBe('The quick brown fox jumps');
	});

	it('emits one retain-delete-insert delta', () => {
		expect(edit('hello world', 'hello there world').deltas).toEqual([[{ retain: 6 }, { insert: 'there ' }]]);
	});
});
