// Finds a highlight's passage in the page's text as it is now, the way Hypothesis does: the recorded
// position if the quote is still there, else the quote where its context fits best, else a fuzzy
// match of the quote (diff-match-patch). A passage found nowhere close enough is an orphan (null).
import DiffMatchPatch from 'diff-match-patch';
import type { PageSelector } from './selector';

export type AnchorMethod = 'position' | 'quote' | 'fuzzy';

export interface Anchor {
	start: number;
	end: number;
	method: AnchorMethod;
}

/** A fuzzy match must be at least this similar to the quote (1 - edit distance / quote length). */
export const MIN_SIMILARITY = 0.75;
/** Occurrences of an exact quote looked at before settling on the best so far. */
const MAX_OCCURRENCES = 2_000;
/** Around the recorded position, where a quote is looked for first. */
const NEAR = 4_096;
/** Pages up to this many characters are searched whole for a fuzzy match if the nearby text has none. */
export const WHOLE_PAGE_FUZZY = 200_000;
/** Bitap works on at most 32 characters at a time. */
const CHUNK = 32;

const dmp = new DiffMatchPatch();
dmp.Match_Threshold = 0.4;
dmp.Diff_Timeout = 0.02;

export function anchorPassage(text: string, selector: PageSelector): Anchor | null {
	const { exact, position } = selector;
	if (!exact) return null;
	if (position && text.startsWith(exact, position.start)) {
		return { start: position.start, end: position.start + exact.length, method: 'position' };
	}
	const found = findQuote(text, selector);
	if (found !== null) return { start: found, end: found + exact.length, method: 'quote' };
	return fuzzyFind(text, selector);
}

/** How many characters of the recorded context surround a match at `start`. */
function contextScore(text: string, start: number, selector: PageSelector): number {
	const { prefix, suffix, exact } = selector;
	let score = 0;
	for (let i = 1; i <= prefix.length && text[start - i] === prefix[prefix.length - i]; i++) score++;
	const end = start + exact.length;
	for (let i = 0; i < suffix.length && text[end + i] === suffix[i]; i++) score++;
	return score;
}

function findQuote(text: string, selector: PageSelector): number | null {
	const { exact, prefix, suffix, position } = selector;
	const full = prefix.length + suffix.length;
	const expected = position?.start ?? 0;
	// Most edits move a passage a little: a match near where it was, in its full context, is the one.
	if (position) {
		const from = Math.max(0, expected - NEAR);
		const window = text.slice(from, expected + NEAR + exact.length);
		let best = -1;
		for (let at = window.indexOf(exact); at !== -1; at = window.indexOf(exact, at + 1)) {
			const here = from + at;
			if (contextScore(text, here, selector) === full && (best === -1 || Math.abs(here - expected) < Math.abs(best - expected))) best = here;
		}
		if (best !== -1) return best;
	}
	let best = -1;
	let bestScore = -1;
	let seen = 0;
	for (let at = text.indexOf(exact); at !== -1 && seen < MAX_OCCURRENCES; at = text.indexOf(exact, at + 1), seen++) {
		const score = contextScore(text, at, selector);
		if (score > bestScore || (score === bestScore && Math.abs(at - expected) < Math.abs(best - expected))) {
			best = at;
			bestScore = score;
		}
	}
	return best === -1 ? null : best;
}

function similarity(a: string, b: string): number {
	if (a === b) return 1;
	// The edit distance is at least the difference in length: too different is known without a diff.
	if (Math.abs(a.length - b.length) > (1 - MIN_SIMILARITY) * Math.max(a.length, b.length)) return 0;
	const diffs = dmp.diff_main(a, b, false);
	return 1 - dmp.diff_levenshtein(diffs) / Math.max(a.length, b.length);
}

/** Where bitap finds `pattern` (at most 32 characters) nearest `loc`, or -1. */
function match(text: string, pattern: string, loc: number, distance: number): number {
	dmp.Match_Distance = distance;
	return dmp.match_main(text, pattern, Math.max(0, Math.min(loc, text.length)));
}

function fuzzyFind(text: string, selector: PageSelector): Anchor | null {
	const { exact, position } = selector;
	// Bitap costs time in proportion to the text it scans: first around where the passage was, then
	// the whole page only when it is small or the passage has no position to start from.
	const windows: [number, number][] = [];
	if (position) {
		const span = 2_000 + 2 * exact.length;
		windows.push([Math.max(0, position.start - span), Math.min(text.length, position.end + span)]);
	}
	if (!position || text.length <= WHOLE_PAGE_FUZZY) windows.push([0, text.length]);
	for (const [from, to] of windows) {
		const found = fuzzyIn(text, selector, from, to);
		if (found) return found;
	}
	return null;
}

function fuzzyIn(text: string, selector: PageSelector, from: number, to: number): Anchor | null {
	const { exact, prefix, suffix, position } = selector;
	const part = from === 0 && to === text.length ? text : text.slice(from, to);
	const expected = position ? position.start - from : Math.floor(part.length / 2);
	const distance = Math.max(1_000, part.length);
	const candidates: [number, number][] = [];
	if (exact.length <= CHUNK) {
		const at = match(part, exact, expected, distance);
		if (at !== -1) candidates.push([at, at + exact.length]);
	} else {
		const head = exact.slice(0, CHUNK);
		const tail = exact.slice(-CHUNK);
		const start = match(part, head, expected, distance);
		if (start !== -1) {
			const end = match(part, tail, start + exact.length - CHUNK, 1_000 + exact.length);
			if (end !== -1 && end + CHUNK > start) candidates.push([start, end + CHUNK]);
		}
		// The beginning was rewritten but the end kept: look for the end first.
		const end = match(part, tail, expected + exact.length - CHUNK, distance);
		if (end !== -1) candidates.push([Math.max(0, end + CHUNK - exact.length), end + CHUNK]);
	}
	// The passage itself was reworded but the text around it kept: take what lies between.
	const before = prefix.slice(-CHUNK);
	const after = suffix.slice(0, CHUNK);
	if (before.length >= 8 && after.length >= 8) {
		const p = match(part, before, expected - before.length, distance);
		if (p !== -1) {
			const start = p + before.length;
			const s = part.indexOf(after, start);
			if (s !== -1 && s - start <= exact.length * 2) candidates.push([start, s]);
		}
	}
	let best: Anchor | null = null;
	let bestSimilarity = MIN_SIMILARITY;
	const tried = new Set<string>();
	for (const [start, end] of candidates) {
		// The searches often agree; a near-perfect match needs no rival.
		if (tried.has(`${start}:${end}`) || bestSimilarity >= 0.95) continue;
		tried.add(`${start}:${end}`);
		const [s, e] = trim(text, ...refine(text, exact, from + start, from + end));
		if (e <= s) continue;
		const sim = similarity(text.slice(s, e), exact);
		if (sim >= bestSimilarity) {
			best = { start: s, end: e, method: 'fuzzy' };
			bestSimilarity = sim;
		}
	}
	return best;
}

/**
 * Moves a rough match's ends to the word boundaries nearby (or where the quote's ends map) that make
 * it most like the quote: a changed word may be shorter or longer than the one it replaced.
 */
function refine(text: string, exact: string, start: number, end: number): [number, number] {
	const slack = Math.min(64, 8 + (exact.length >> 2));
	const from = Math.max(0, start - slack);
	const to = Math.min(text.length, end + slack);
	const diffs = dmp.diff_main(exact, text.slice(from, to), false);
	dmp.diff_cleanupSemantic(diffs);
	const reach = Math.min(16, slack);
	const boundaries = (around: number, mapped: number): number[] => {
		const out = new Set([around, mapped]);
		for (let i = Math.max(from, around - reach); i <= Math.min(to, around + reach); i++) {
			if (i === 0 || i === text.length || /[\s.,;:!?"')\]]/.test(text[i]) !== /[\s.,;:!?"')\]]/.test(text[i - 1])) out.add(i);
		}
		return [...out];
	};
	const pick = (options: number[], score: (at: number) => number): number => {
		let best = options[0];
		let bestScore = -Infinity;
		for (const at of options) {
			const value = score(at);
			if (value > bestScore) [best, bestScore] = [at, value];
		}
		return best;
	};
	const s = pick(boundaries(start, from + dmp.diff_xIndex(diffs, 0)), (at) => (at < end ? similarity(text.slice(at, end), exact) : -1));
	const e = pick(boundaries(end, from + dmp.diff_xIndex(diffs, exact.length - 1) + 1), (at) => (at > s ? similarity(text.slice(s, at), exact) : -1));
	return [s, e];
}

function trim(text: string, start: number, end: number): [number, number] {
	let s = start;
	let e = Math.min(end, text.length);
	while (s < e && /\s/.test(text[s])) s++;
	while (e > s && /\s/.test(text[e - 1])) e--;
	return [s, e];
}
