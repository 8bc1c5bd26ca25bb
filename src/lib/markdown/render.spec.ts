// @vitest-environment jsdom
// The one Markdown renderer of notes and of notes on highlights: syntax rendered, nothing executable kept.
import { describe, expect, it } from 'vitest';
import { markdownHtml, renderInlineMarkdown, renderMarkdown, renderMarkdownFully } from './render';

function dom(html: string): HTMLElement {
	const div = document.createElement('div');
	div.innerHTML = html;
	return div;
}

/** Every attribute name in the rendered HTML. */
function attributes(html: string): string[] {
	return [...dom(html).querySelectorAll('*')].flatMap((el) => el.getAttributeNames());
}

describe('renderMarkdown', () => {
	it('renders a plain sentence as Markdown would, without parsing it', () => {
		const plain = ['voir Stiegler', 'Rémunérer les amateurs, en 2014; vraiment?', 'the margin of one essay. And another', 'Ça 3.5 fois'];
		const notPlain = ['1. un', '2) deux', 'www.example.org here', 'two  spaces', 'trailing ', 'mail me at a@b.org', '*em*', 'x_y_z', 'a & b', '<b>x</b>', '# title', '- item'];
		for (const text of [...plain, ...notPlain]) {
			expect(renderMarkdown(text), text).toBe(renderMarkdownFully(text));
			expect(renderInlineMarkdown(text), text).toBe(renderMarkdownFully(text, true));
		}
	});

	it('renders emphasis, lists and safe links', () => {
		const out = dom(renderMarkdown('Une **promesse** et *plus*\n\n- un\n- deux\n\n[Rue89](https://rue89.nouvelobs.com/)'));
		expect(out.querySelector('strong')?.textContent).toBe('promesse');
		expect(out.querySelector('em')?.textContent).toBe('plus');
		expect(out.querySelectorAll('li')).toHaveLength(2);
		const link = out.querySelector('a');
		expect(link?.getAttribute('href')).toBe('https://rue89.nouvelobs.com/');
		expect(link?.getAttribute('rel')).toContain('noopener');
		expect(link?.getAttribute('target')).toBe('_blank');
	});

	const HOSTILE = [
		'<img src=x onerror=alert(1)>',
		'Before <img src=x onerror=alert(1)> after',
		'<p onclick="alert(1)">click</p>',
		'<svg><circle onload=alert(1)></circle></svg>',
		'<a href="https://example.org" onmouseover="alert(1)">x</a>',
		'<details open ontoggle=alert(1)>x</details>',
		'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
		'![x" onerror="alert(1)](https://example.org/a.png)',
		'<div>\n\n<img src=x onerror=alert(1)>\n\n</div>'
	];

	it.each(HOSTILE)('hands the sanitiser no tag the member typed, so no handler is ever parsed: %s', (input) => {
		// Chromium reports a CSP violation as soon as any document parses an on* attribute.
		for (const html of [markdownHtml(input), markdownHtml(input, true)]) {
			expect(html).not.toMatch(/<(img|svg|p onclick|a href="https:\/\/example.org" on|details|math|div)\b[^>]*/i);
			expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
		}
	});

	it.each(HOSTILE)('shows raw HTML as the text it is, with no element or handler: %s', (input) => {
		const out = dom(renderMarkdown(input));
		expect(attributes(out.innerHTML).filter((name) => /^on/i.test(name))).toEqual([]);
		expect(out.querySelector('img, svg, math, details, div')).toBeNull();
	});

	it('shows a typed tag as text', () => {
		expect(dom(renderMarkdown('Before <img src=x onerror=alert(1)> after')).textContent?.trim()).toBe('Before <img src=x onerror=alert(1)> after');
	});

	it.each([
		['[x](javascript:alert(1))', 'x'],
		['[x](JaVaScRiPt:alert(1))', 'x'],
		['[x](data:text/html,boom)', 'x'],
		['[x](vbscript:msgbox)', 'x'],
		['[**bold** x](javascript:alert(1))', 'bold x'],
		['<javascript:alert(1)>', 'javascript:alert(1)'],
		['[x][ref]\n\n[ref]: javascript:alert(1)', 'x']
	])('shows the unsafe link %s as plain text', (input, text) => {
		const out = dom(renderMarkdown(input));
		expect(out.querySelector('a')).toBeNull();
		expect(out.textContent?.trim()).toBe(text);
	});
});

describe('renderInlineMarkdown', () => {
	it('renders a highlight note’s Markdown inline, like a note', () => {
		const out = dom(renderInlineMarkdown('une **promesse**, voir [ici](https://example.org)'));
		expect(out.querySelector('strong')?.textContent).toBe('promesse');
		expect(out.querySelector('a')?.getAttribute('href')).toBe('https://example.org');
		expect(out.querySelector('p')).toBeNull();
	});

	it('keeps nothing executable and unsafe links as text', () => {
		const out = dom(renderInlineMarkdown('<img src=x onerror=alert(1)> [x](javascript:alert(1))'));
		expect(out.querySelector('img, a')).toBeNull();
		expect(attributes(out.innerHTML)).toEqual([]);
		expect(out.textContent?.trim()).toBe('<img src=x onerror=alert(1)> x');
	});
});

describe('mentions', () => {
	it('shows a mention as @ and the member’s current name, escaped', () => {
		const out = dom(renderMarkdown('Hi @[Ben](member:b1), see **this**', (id) => (id === 'b1' ? 'Benoît <b>' : null)));
		const mention = out.querySelector('span.mention');
		expect(mention?.textContent).toBe('@Benoît <b>');
		expect(out.querySelector('b')).toBeNull();
		expect(out.querySelector('a')).toBeNull();
		expect(out.querySelector('strong')?.textContent).toBe('this');
	});

	it('keeps the written name for a member it does not know, and leaves look-alikes as text', () => {
		expect(dom(renderInlineMarkdown('@[Old name](member:gone)')).textContent).toBe('@Old name');
		const out = dom(renderMarkdown('@[x](https://example.org) and @ben'));
		expect(out.querySelector('span.mention')).toBeNull();
		expect(out.textContent).toContain('@ben');
	});

	it('renders a note drawn again from what it kept, and a mention afresh with the current name', () => {
		const text = 'Read **this** twice';
		const first = renderMarkdown(text);
		expect(renderMarkdown(text)).toBe(first);
		expect(renderMarkdown(text)).toBe(renderMarkdownFully(text));
		expect(renderInlineMarkdown(text)).toBe(renderMarkdownFully(text, true));
		const note = 'Ask @[Ben](member:b1) **now**';
		expect(dom(renderMarkdown(note, () => 'Ben')).textContent).toContain('@Ben');
		expect(dom(renderMarkdown(note, () => 'Benoît')).textContent).toContain('@Benoît');
	});
});
