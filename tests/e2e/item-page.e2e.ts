// The item page and the add form in real Chromium, against the built app, a real relay and a local
// server of real-shaped pages: address checks, Markdown in notes and highlight notes, messages
// beside their action, no CSP violations from hostile notes, the offline change count, the layout
// at 1280 and 360 px, and page details filled in (at once, and later for a page added offline).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { eventually, startTestRelay, type TestRelay } from '../helpers/relay';
import { createGroupFromHome, statusSays, watchCspViolations } from '../helpers/workspace-page';

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
const buildDir = inject('buildDir');
const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-item-page-'));
// A 1×1 PNG, the pages' icon.
const ICON = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let relay: TestRelay | null = null;
let port = 0;
let pages: Server;
let pagesUrl = '';
let browser: Browser;
let context: BrowserContext;
let page: Page;
let violations: () => Promise<string[]>;
const pageErrors: string[] = [];

/** The relay on the same port and data each time, as after a restart; it may read loopback pages. */
async function startRelay(): Promise<void> {
	relay = await startTestRelay({ staticDir: buildDir, dataDir, pageInfoAllowPrivate: true, ...(port ? { port } : {}) });
	port = relay.port;
}

async function stopRelay(): Promise<void> {
	await relay?.stop();
	relay = null;
}

const origin = () => `http://127.0.0.1:${port}`;

beforeAll(async () => {
	mkdirSync(SCREENSHOTS, { recursive: true });
	pages = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://pages').pathname;
		const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
		if (path === '/icon.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(ICON);
		if (path === '/cover.svg') {
			return res
				.writeHead(200, { 'content-type': 'image/svg+xml' })
				.end('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160"><rect width="240" height="160" fill="#2f7d6d"/><circle cx="170" cy="60" r="30" fill="#f2c14e"/></svg>');
		}
		if (path === '/article') {
			return html(`<!doctype html><html><head><title>Rémunérer | S.I.Lex</title>
				<meta property="og:title" content="Rémunérer les amateurs">
				<meta property="og:description" content="Une réflexion sur la contribution créative.">
				<meta property="og:site_name" content="S.I.Lex">
				<meta property="og:image" content="/cover.svg">
				<link rel="icon" href="/icon.png"></head><body></body></html>`);
		}
		if (path === '/later') {
			return html(`<html><head><title>Read once the relay is back</title><meta name="description" content="Filled in later.">
				<link rel="shortcut icon" href="/icon.png"></head></html>`);
		}
		res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
	pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
	await startRelay();
	browser = await launchBrowser();
	context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	page = await context.newPage();
	page.on('pageerror', (error) => pageErrors.push(error.message));
	violations = await watchCspViolations(page);
});

afterAll(async () => {
	await browser?.close();
	await stopRelay();
	await new Promise<void>((resolve) => pages?.close(() => resolve()));
	rmSync(dataDir, { recursive: true, force: true });
});

async function openForm(groupId: string): Promise<void> {
	await page.goto(`${origin()}/g/${groupId}/new`);
	await page.getByLabel('Page address').waitFor();
}

async function save(): Promise<string> {
	await page.getByRole('button', { name: /Save item|Add to the existing item/ }).click();
	await page.waitForURL(/\/i\/[0-9a-f]+$/);
	return new URL(page.url()).pathname.split('/')[4];
}

async function addNote(text: string): Promise<void> {
	await page.getByLabel('Add a note').fill(text);
	await page.getByRole('button', { name: 'Add note' }).click();
}

/** Moves focus out of text fields, where Ctrl+Z is the browser's own undo of typing. */
async function undoShortcut(): Promise<void> {
	await page.locator('#main').focus();
	await page.keyboard.press('Control+z');
}

describe('the item page and the add form', () => {
	let groupId = '';
	let itemId = '';

	it('refuses "not a url" beside the address field, keeps focus there and saves nothing', async () => {
		groupId = await createGroupFromHome(page, origin(), 'Item page');
		await openForm(groupId);
		const field = page.getByLabel('Page address');
		for (const typed of ['not a url', 'notaurl', 'https://exa!mple.org']) {
			await field.fill(typed);
			await page.getByRole('button', { name: 'Save item' }).click();
			const error = page.locator('#new-url-error');
			await error.waitFor();
			expect(await error.textContent()).toContain('is not a web address');
			expect(await field.getAttribute('aria-describedby')).toContain('new-url-error');
			expect(await field.getAttribute('aria-invalid')).toBe('true');
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-url');
			expect(page.url()).toMatch(/\/new$/);
		}
		await page.goto(`${origin()}/g/${groupId}`);
		await page.getByText('No items yet.').waitFor();
	});

	it('fills the title and description from the page, never over what the member typed', async () => {
		await openForm(groupId);
		await page.getByLabel('Title').fill('My own title');
		await page.getByLabel('Page address').fill(`${pagesUrl}/article`);
		await page.getByText('Filled in from the page: description.').waitFor();
		expect(await page.getByLabel('Title').inputValue()).toBe('My own title');
		expect(await page.getByLabel('Description (optional)').inputValue()).toBe('Une réflexion sur la contribution créative.');

		await openForm(groupId);
		await page.getByLabel('Page address').fill(`${pagesUrl}/article?utm_source=x`);
		await page.getByText('Filled in from the page: title and description.').waitFor();
		expect(await page.getByLabel('Title').inputValue()).toBe('Rémunérer les amateurs');
		await page.getByRole('button', { name: 'Save item' }).click();
		await page.waitForURL(/\/i\/[0-9a-f]+$/);
		itemId = new URL(page.url()).pathname.split('/')[4];
		await page.getByRole('heading', { name: 'Rémunérer les amateurs' }).waitFor();
		await page.getByText('S.I.Lex ·').waitFor();
		expect(await page.locator('header img.preview').getAttribute('src')).toBe(`${pagesUrl}/cover.svg`);
		// The page's icon, from its own site, on the item page and in the group's list.
		const icon = page.locator('h1 img.favicon');
		await icon.waitFor();
		expect(await icon.getAttribute('src')).toBe(`${pagesUrl}/icon.png`);
		await eventually(async () => expect(await icon.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1));
		await page.goto(`${origin()}/g/${groupId}`);
		const listed = page.locator('article.item', { hasText: 'Rémunérer les amateurs' }).locator('img.favicon');
		await listed.waitFor();
		expect(await listed.getAttribute('src')).toBe(`${pagesUrl}/icon.png`);
	});

	it('renders a highlight’s note as Markdown, like a note, on the item page and in the list', async () => {
		await page.goto(`${origin()}/g/${groupId}/i/${itemId}`);
		await page.locator('#hl-quote').fill('la contribution créative');
		await page.locator('#hl-note').fill('une **promise** tenue');
		await page.getByRole('button', { name: 'Add highlight' }).click();
		await page.locator('.highlight-note strong', { hasText: 'promise' }).waitFor();
		expect(await page.locator('.highlight-note').textContent()).not.toContain('**');
		await page.goto(`${origin()}/g/${groupId}`);
		await page.locator('article.item .highlight-note strong', { hasText: 'promise' }).waitFor();
	});

	it('shows each message beside its action, and takes it away when the action is undone', async () => {
		await page.goto(`${origin()}/g/${groupId}/i/${itemId}`);
		await addNote('Dans la **continuité** de Stiegler');
		const noteForm = page.locator('form', { has: page.locator('#note-new') });
		await noteForm.getByText('Note added.').waitFor();
		await undoShortcut();
		await page.locator('.notes strong', { hasText: 'continuité' }).waitFor({ state: 'detached' });
		await noteForm.getByText('Note added.').waitFor({ state: 'detached' });

		await page.locator('#hl-quote').fill('un autre passage');
		await page.getByRole('button', { name: 'Add highlight' }).click();
		const highlightForm = page.locator('form', { has: page.locator('#hl-quote') });
		await highlightForm.getByText('Highlight added.').waitFor();
		// The other form says nothing.
		expect(await noteForm.locator('.action-message').textContent()).toBe('');

		await page.getByRole('button', { name: 'Delete item' }).click();
		const trashed = page.getByText('Moved to the trash. Undo with Ctrl+Z');
		await trashed.waitFor();
		await page.getByText('This item is in the trash').waitFor();
		// Beside the action: just under the item's header, not at the other end of the page.
		const [message, heading] = await Promise.all([trashed.boundingBox(), page.locator('h1').boundingBox()]);
		expect(message!.y - (heading!.y + heading!.height)).toBeLessThan(400);
		await undoShortcut();
		await page.getByText('This item is in the trash').waitFor({ state: 'detached' });
		await trashed.waitFor({ state: 'detached' });
		await page.getByRole('button', { name: 'Delete item' }).waitFor();
	});

	it('shows a note with event handlers and script links with no CSP violation, links as plain text', async () => {
		await page.goto(`${origin()}/g/${groupId}/i/${itemId}`);
		await addNote('Before <img src=x onerror=alert(1)> after, and [click me](javascript:alert(1)) here');
		const note = page.locator('.notes li', { hasText: 'click me' });
		await note.waitFor();
		expect(await note.locator('img, a, [onerror]').count()).toBe(0);
		expect(await note.locator('.markdown').textContent()).toContain('click me here');
		// Shown again, after a reload and in the group's list.
		await page.reload();
		await page.locator('.notes li', { hasText: 'click me' }).waitFor();
		await page.goto(`${origin()}/g/${groupId}`);
		await page.locator('article.item', { hasText: 'click me' }).waitFor();
		// A later note that shows proves the page had time to report anything from the earlier one.
		await page.goto(`${origin()}/g/${groupId}/i/${itemId}`);
		await addNote('A plain note');
		await page.locator('.notes li', { hasText: 'A plain note' }).waitFor();
		expect(await violations()).toEqual([]);
	});

	it('uses the width at 1280 px with two columns, and one column at 360 px', async () => {
		await page.goto(`${origin()}/g/${groupId}/i/${itemId}`);
		await page.getByRole('heading', { name: /^Notes/ }).waitFor();
		const highlights = (await page.getByRole('heading', { name: /^Highlights/ }).boundingBox())!;
		const notes = (await page.getByRole('heading', { name: /^Notes/ }).boundingBox())!;
		expect(notes.x).toBeGreaterThan(highlights.x + highlights.width);
		const main = (await page.locator('#main').boundingBox())!;
		expect(notes.x + notes.width).toBeGreaterThan(main.x + main.width * 0.9);
		await page.screenshot({ path: join(SCREENSHOTS, 'item-page-1280.png'), fullPage: true });
		await page.goto(`${origin()}/g/${groupId}`);
		await page.locator('article.item img.favicon').first().waitFor();
		await page.screenshot({ path: join(SCREENSHOTS, 'group-list-1280.png') });
		await openForm(groupId);
		await page.getByLabel('Page address').fill(`${pagesUrl}/later?for=screenshot`);
		await page.getByText('Filled in from the page: title and description.').waitFor();
		const form = await page.locator('.page-fields').boundingBox();
		const annotations = await page.locator('.annotation-fields').boundingBox();
		expect(annotations!.x).toBeGreaterThan(form!.x + form!.width);
		await page.screenshot({ path: join(SCREENSHOTS, 'add-form-1280.png'), fullPage: true });

		await page.setViewportSize({ width: 360, height: 800 });
		await page.goto(`${origin()}/g/${groupId}/i/${itemId}`);
		await page.getByRole('heading', { name: /^Notes/ }).waitFor();
		const narrowHighlights = (await page.getByRole('heading', { name: /^Highlights/ }).boundingBox())!;
		const narrowNotes = (await page.getByRole('heading', { name: /^Notes/ }).boundingBox())!;
		expect(narrowNotes.y).toBeGreaterThan(narrowHighlights.y);
		expect(Math.abs(narrowNotes.x - narrowHighlights.x)).toBeLessThan(2);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await page.screenshot({ path: join(SCREENSHOTS, 'item-page-360.png'), fullPage: true });
		await openForm(groupId);
		await page.getByLabel('Page address').fill('not a url');
		await page.getByRole('button', { name: 'Save item' }).click();
		await page.locator('#new-url-error').waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await page.screenshot({ path: join(SCREENSHOTS, 'add-form-360.png'), fullPage: true });
		await page.setViewportSize({ width: 1280, height: 900 });
	});

	it('offline, counts one note as one change waiting, not the view of its page too', async () => {
		await page.goto(`${origin()}/g/${groupId}`);
		await statusSays(page, /^Up to date$/);
		await stopRelay();
		await context.setOffline(true);
		await statusSays(page, /^Offline — no changes waiting$/);
		// Opening the item counts a view (bookkeeping), then the member adds one note.
		await page.locator('article.item', { hasText: 'Rémunérer les amateurs' }).getByRole('link', { name: /^Open/ }).click();
		await page.getByRole('heading', { name: /^Notes/ }).waitFor();
		await addNote('Written on the train');
		await page.locator('.notes li', { hasText: 'Written on the train' }).waitFor();
		await statusSays(page, /^Offline — 1 change waiting$/);
	});

	it('saves a page offline at once and fills in its details when the relay is back', async () => {
		await page.getByRole('link', { name: 'Add an item', exact: true }).click();
		await page.getByLabel('Page address').fill(`${pagesUrl}/later`);
		await page.getByLabel('Page address').blur();
		const laterId = await save();
		await page.getByRole('heading', { name: `${pagesUrl}/later` }).waitFor();
		await startRelay();
		await context.setOffline(false);
		await statusSays(page, /^Up to date$/, 30_000);
		await page.getByRole('heading', { name: 'Read once the relay is back' }).waitFor({ timeout: 20_000 });
		await page.getByText('Filled in later.').waitFor();
		expect(await page.locator('h1 img.favicon').getAttribute('src')).toBe(`${pagesUrl}/icon.png`);
		expect(new URL(page.url()).pathname).toBe(`/g/${groupId}/i/${laterId}`);
		expect(pageErrors).toEqual([]);
	});
});
