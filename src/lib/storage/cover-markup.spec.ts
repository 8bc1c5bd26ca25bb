import { describe, expect, it } from 'vitest';
import { groupOfItemsPage, groupPagePath, shellWithCoverMarkup, type CoverMarkup } from './cover-markup';

const SHELL = `<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<link href="/_app/immutable/assets/0.css" rel="stylesheet">
	</head>
	<body data-sveltekit-preload-data="hover">
		<div style="display: contents"><script>start()</script></div>
	</body>
</html>`;

const markup = (change: Partial<CoverMarkup> = {}): CoverMarkup => ({
	version: 1,
	appVersion: 'build-1',
	groupId: 'g1',
	html: '<header class="group-header"><span class="group-name">Reading &amp; more</span></header><article class="item"><h2>First</h2></article>',
	stylesheets: ['/_app/immutable/assets/4.css'],
	...change
});

const expected = { groupId: 'g1', appVersion: 'build-1', isAsset: (path: string) => path.startsWith('/_app/') };

describe('the first screen kept for the service worker', () => {
	it('goes first in the body, inert and marked with its group, with its stylesheets in the head', () => {
		const page = shellWithCoverMarkup(SHELL, markup(), expected);
		expect(page).not.toBeNull();
		const html = page as string;
		const head = html.slice(0, html.indexOf('</head>'));
		expect(head).toContain('<link href="/_app/immutable/assets/4.css" rel="stylesheet">');
		const body = html.slice(html.indexOf('<body'));
		expect(body).toMatch(/^<body data-sveltekit-preload-data="hover"><div id="cover-markup" data-group="g1" inert aria-busy="true"><header class="group-header">/);
		// The app's bootstrap is untouched, after the kept screen.
		expect(body.indexOf('<script>start()</script>')).toBeGreaterThan(body.indexOf('<article class="item">'));
		expect(html.replace(/<link href="\/_app\/immutable\/assets\/4.css" rel="stylesheet">|<div id="cover-markup"[^>]*>.*?<\/article><\/div>/gs, '')).toBe(SHELL);
	});

	it('is never shown for another group, another build, or with a stylesheet the build does not have', () => {
		expect(shellWithCoverMarkup(SHELL, markup({ groupId: 'g2' }), expected)).toBeNull();
		expect(shellWithCoverMarkup(SHELL, markup({ appVersion: 'build-0' }), expected)).toBeNull();
		expect(shellWithCoverMarkup(SHELL, markup({ stylesheets: ['/elsewhere.css'] }), expected)).toBeNull();
		expect(shellWithCoverMarkup(SHELL, markup({ stylesheets: ['//evil.example/a.css'] }), expected)).toBeNull();
		expect(shellWithCoverMarkup(SHELL, { ...markup(), version: 2 }, expected)).toBeNull();
		expect(shellWithCoverMarkup(SHELL, 'not markup', expected)).toBeNull();
		expect(shellWithCoverMarkup(SHELL, null, expected)).toBeNull();
	});

	it('refuses markup that could run or break out of the page', () => {
		for (const html of ['<script>alert(1)</script>', '<SCRIPT src="/x.js"></SCRIPT>', '</body><script>x()</script>', '<iframe src="/"></iframe>', '<base href="https://evil.example/">', '<meta http-equiv="refresh" content="0">']) {
			expect(shellWithCoverMarkup(SHELL, markup({ html }), expected), html).toBeNull();
		}
		// Text about scripts, escaped as the page escapes it, is only text.
		expect(shellWithCoverMarkup(SHELL, markup({ html: '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>' }), expected)).not.toBeNull();
	});

	it('escapes what goes into attributes', () => {
		const html = shellWithCoverMarkup(SHELL, markup({ groupId: 'a"b<c' }), { ...expected, groupId: 'a"b<c' }) as string;
		expect(html).toContain('data-group="a&quot;b&lt;c"');
	});

	it('is shown at the unfiltered items page of its group only', () => {
		expect(groupOfItemsPage(groupPagePath('g1'))).toBe('g1');
		expect(groupOfItemsPage('/g/g1/')).toBe('g1');
		expect(groupOfItemsPage(groupPagePath('a b/c'))).toBe('a b/c');
		expect(groupOfItemsPage('/g/g1/new')).toBeNull();
		expect(groupOfItemsPage('/g/g1/i/item')).toBeNull();
		expect(groupOfItemsPage('/')).toBeNull();
		expect(groupOfItemsPage('/join/g1')).toBeNull();
		expect(groupOfItemsPage('/g/%E0%A4%A')).toBeNull();
	});
});
