// @vitest-environment jsdom
// The one Markdown renderer of notes and of notes on highlights: syntax rendered, nothing executable kept.
import { describe, expect, it } from 'vitest';
import { renderInlineMarkdown, renderMarkdown } from './render';

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

	it.each([
		'<img src=x onerror=alert(1)>',
		'<p onclick="alert(1)">click</p>',
		'<svg><circle onload=alert(1)></circle></svg>',
		'<a href="https://example.org" onmouseover="alert(1)">x</a>',
		'<details open ontoggle=alert(1)>x</details>',
		'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'
	])('keeps no event handler or image from %s', (input) => {
		const html = renderMarkdown(input);
		expect(attributes(html).filter((name) => /^on/i.test(name))).toEqual([]);
		expect(html).not.toMatch(/<img|<svg|onerror|onload|onclick/i);
	});

	it.each([
		['[x](javascript:alert(1))', 'x'],
		['[x](JaVaScRiPt:alert(1))', 'x'],
		['[x](data:text/html,boom)', 'x'],
		['[x](vbscript:msgbox)', 'x'],
		['<a href="javascript:alert(1)">raw <b>x</b></a>', 'raw x'],
		['<a href="javascript:alert(1)"><img src=x onerror=alert(1)>y</a>', 'y']
	])('shows the unsafe link %s as plain text', (input, text) => {
		const out = dom(renderMarkdown(input));
		expect(out.querySelector('a')).toBeNull();
		expect(out.textContent?.trim()).toBe(text);
		expect(out.innerHTML).not.toMatch(/javascript|vbscript|data:|onerror/i);
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
		expect(out.innerHTML).not.toMatch(/onerror|javascript/i);
		expect(out.textContent?.trim()).toBe('x');
	});
});
