// Turns the HTML that some tools store in a passage (Diigo keeps the markup it highlighted, such as
// `<tr class="odd"><td>One&nbsp;two</td>`) into the text a reader saw on the page.
import { scanTags } from './tags';

/** Elements that start a new line of text where they open or close. */
const BLOCK = new Set(['address', 'article', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul']);
const CELL = new Set(['td', 'th']);

/** True when the text holds an element or an entity, so it is HTML rather than plain text. */
export function looksLikeMarkup(text: string): boolean {
	return /<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>|&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/i.test(text);
}

/** The text shown for an HTML fragment: elements removed, entities decoded, non-breaking spaces as spaces. */
export function markupToText(html: string): string {
	let out = '';
	let hidden = 0;
	const breakLine = () => {
		if (out && !out.endsWith('\n')) out += '\n';
	};
	scanTags(html, {
		open(name) {
			if (name === 'script' || name === 'style') hidden++;
			else if (BLOCK.has(name)) breakLine();
			else if (CELL.has(name) && out && !/[\s]$/.test(out)) out += ' ';
		},
		close(name) {
			if (name === 'script' || name === 'style') hidden = Math.max(0, hidden - 1);
			else if (BLOCK.has(name)) breakLine();
		},
		text(data) {
			if (hidden === 0) out += data;
		}
	});
	return out
		.replace(/\u00a0/g, ' ')
		.replace(/[ \t]+/g, ' ')
		.replace(/ *\n */g, '\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** Plain text stays as it is; HTML becomes the text it shows. */
export function shownText(text: string): string {
	return looksLikeMarkup(text) ? markupToText(text) : text;
}
