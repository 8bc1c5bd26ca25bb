// The selectors a highlight carries (W3C TextQuoteSelector and TextPositionSelector) and how they are
// made from a passage of the page's text.
export interface PageSelector {
	exact: string;
	prefix: string;
	suffix: string;
	position?: { start: number; end: number };
}

/** How much text before and after a passage is kept to tell it apart from the same words elsewhere. */
export const CONTEXT_CHARS = 32;

/** The selectors for `text[start, end)`, with leading and trailing white space left out of the passage. */
export function describePassage(text: string, start: number, end: number): PageSelector | null {
	let s = Math.max(0, Math.min(start, text.length));
	let e = Math.max(s, Math.min(end, text.length));
	while (s < e && /\s/.test(text[s])) s++;
	while (e > s && /\s/.test(text[e - 1])) e--;
	if (s === e) return null;
	return {
		exact: text.slice(s, e),
		prefix: text.slice(Math.max(0, s - CONTEXT_CHARS), s),
		suffix: text.slice(e, e + CONTEXT_CHARS),
		position: { start: s, end: e }
	};
}
