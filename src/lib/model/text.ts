// Rules for text users write: control characters stripped, Unicode normalised, lengths bounded.
import type * as Y from 'yjs';
import { ModelError } from './errors';

// The limits are a rule the relay shares (it reads page details within them).
export { LIMITS } from '../rules/limits';
import { LIMITS } from '../rules/limits';

// Keeps tab and newline for multi-line text; drops other C0/C1 controls, bidi overrides and NUL.
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

// A lone UTF-16 surrogate would reach other peers as U+FFFD (Yjs encodes text as UTF-8) and the
// copies would differ, so it becomes U+FFFD here first.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(value: unknown): string {
	return String(value ?? '').replace(LONE_SURROGATE, '\ufffd');
}

function bounded(value: string, max: number, what: string): string {
	if (value.length > max) {
		throw new ModelError('too-long', `The ${what} is ${value.length.toLocaleString('en')} characters long; the limit is ${max.toLocaleString('en')}.`);
	}
	return value;
}

/** One line of text: controls removed, whitespace collapsed, trimmed, NFC. */
export function cleanLine(value: unknown, max: number, what: string): string {
	const text = wellFormed(value)
		.normalize('NFC')
		.replace(CONTROL_LINE, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return bounded(text, max, what);
}

/** Multi-line text: CRLF to LF, controls removed, NFC; inner whitespace kept. */
export function cleanText(value: unknown, max: number, what: string): string {
	const text = wellFormed(value)
		.normalize('NFC')
		.replace(/\r\n?/g, '\n')
		.replace(CONTROL_MULTILINE, '');
	return bounded(text, max, what);
}

/**
 * Tags are case-folded to lower case (so "Travail" and "travail" are one tag), trimmed, with inner
 * whitespace collapsed to single spaces; commas are separators and never part of a tag.
 */
export function normalizeTag(value: unknown): string {
	const tag = cleanLine(value, Number.MAX_SAFE_INTEGER, 'tag').replace(/,/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
	if (!tag) throw new ModelError('invalid-input', 'A tag cannot be empty.');
	return bounded(tag, LIMITS.tag, 'tag');
}

/** Splits "a, b c" style input into normalised unique tags (commas separate; spaces stay inside a tag). */
export function parseTagList(input: string | readonly string[]): string[] {
	const parts = typeof input === 'string' ? input.split(',') : input;
	const seen = new Set<string>();
	for (const part of parts) {
		if (!String(part ?? '').trim()) continue;
		seen.add(normalizeTag(part));
	}
	return [...seen];
}

/**
 * Changes a Y.Text to `next` with the smallest single replacement (common prefix and suffix kept),
 * so concurrent edits elsewhere in the text and remote carets survive.
 */
export function replaceText(text: Y.Text, next: string): void {
	const prev = text.toString();
	if (prev === next) return;
	let start = 0;
	const maxStart = Math.min(prev.length, next.length);
	while (start < maxStart && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
	let endPrev = prev.length;
	let endNext = next.length;
	while (endPrev > start && endNext > start && prev.charCodeAt(endPrev - 1) === next.charCodeAt(endNext - 1)) {
		endPrev--;
		endNext--;
	}
	// Never split a surrogate pair.
	if (start > 0 && isHighSurrogate(prev.charCodeAt(start - 1))) start--;
	if (endPrev < prev.length && isLowSurrogate(prev.charCodeAt(endPrev))) {
		endPrev++;
		endNext++;
	}
	if (endPrev > start) text.delete(start, endPrev - start);
	if (endNext > start) text.insert(start, next.slice(start, endNext));
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}
