// The group page's first screen kept for the service worker, in real Chromium with a real relay:
// offline, the group's address answers with its first items already in the HTML (inert, only that
// group's, only at its plain address), then the app takes over and the page is live and editable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { createGroupFromHome, serviceWorkerReady, statusSays } from '../helpers/workspace-page';

const buildDir = inject('buildDir');
const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-first-screen-'));
let relay: TestRelay;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let origin = '';

async function addItem(groupId: string, url: string, title: string): Promise<void> {
	await page.goto(`${origin}/g/${groupId}/new`);
	await page.locator('#new-url').fill(url);
	await page.locator('#new-title').fill(title);
	await page.getByRole('button', { name: 'Save item' }).click();
	await page.waitForURL(/\/i\/[^/]+$/);
}

/** The first screen the app keeps for `groupId` (in Cache Storage), or '' when none is kept. */
async function keptMarkup(groupId: string): Promise<string> {
	return page.evaluate(async (path) => {
		const found = await (await caches.open('commonplace-cover-markup')).match(path);
		return found ? ((await found.json()) as { html: string }).html : '';
	}, `/g/${groupId}`);
}

async function keptWith(groupId: string, text: string): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (!(await keptMarkup(groupId)).includes(text)) {
		if (Date.now() > deadline) throw new Error(`The first screen of ${groupId} was not kept with “${text}”`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

describe('the first screen, kept for opening offline', () => {
	let reading = '';
	let other = '';

	beforeAll(async () => {
		browser = await launchBrowser();
		relay = await startTestRelay({ staticDir: buildDir, dataDir });
		origin = `http://127.0.0.1:${relay.port}`;
		context = await browser.newContext();
		page = await context.newPage();
		other = await createGroupFromHome(page, origin, 'Cooking notes');
		await addItem(other, 'https://example.org/bread', 'Bread with no kneading');
		reading = await createGroupFromHome(page, origin, 'Reading circle');
		await statusSays(page, /^Up to date$/);
		await serviceWorkerReady(page);
		await addItem(reading, 'https://example.org/essay', 'An essay <em>on</em> commonplace books');
		await page.locator('#note-new').fill('Read **this** first');
		await page.getByRole('button', { name: 'Add note' }).click();
		await page.getByText('Read this first').first().waitFor();
		await page.goto(`${origin}/g/${reading}`);
		await page.getByRole('heading', { name: 'Group items', exact: true }).waitFor();
		await keptWith(reading, 'An essay &lt;em&gt;on&lt;/em&gt; commonplace books');
		await page.goto(`${origin}/g/${other}`);
		await keptWith(other, 'Bread with no kneading');
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('is not shown at another address of the group, nor for another group', async () => {
		for (const path of [`/g/${reading}?tag=essays`, `/g/${reading}/trash`]) {
			const response = await page.goto(`${origin}${path}`, { waitUntil: 'commit' });
			expect(await response?.text(), path).not.toContain('cover-markup');
		}
		const response = await page.goto(`${origin}/g/${other}`, { waitUntil: 'commit' });
		const html = (await response?.text()) ?? '';
		expect(html).toContain('Bread with no kneading');
		expect(html).not.toContain('commonplace books');
		await page.locator('#cover-markup').waitFor({ state: 'detached' });
	});

	it('is forgotten when the group is deleted and removed from this browser', async () => {
		await page.goto(`${origin}/g/${other}/settings`);
		await page.getByRole('button', { name: 'Delete this group…' }).click();
		await page.getByLabel(/to confirm/).fill('Cooking notes');
		await page.getByRole('button', { name: 'Delete the group for everyone' }).click();
		await page.waitForURL(`${origin}/`);
		await expect(keptMarkup(other)).resolves.toBe('');
		const response = await page.goto(`${origin}/g/${other}`, { waitUntil: 'commit' });
		expect(await response?.text()).not.toContain('Bread with no kneading');
		await page.getByRole('heading', { name: 'This group is not in this browser' }).waitFor();
	});

	it('comes with the HTML of the group’s address offline, then the page is live and editable', async () => {
		await relay.stop();
		await context.setOffline(true);
		const response = await page.goto(`${origin}/g/${reading}`, { waitUntil: 'commit' });
		const html = (await response?.text()) ?? '';
		// The first items are in the page as it arrives, before any script runs: inert, sanitised.
		expect(html).toMatch(/<div id="cover-markup" data-group="[^"]+" inert aria-busy="true">/);
		expect(html).toContain('An essay &lt;em&gt;on&lt;/em&gt; commonplace books');
		expect(html).toContain('<strong>this</strong>');
		expect(html).not.toContain('Bread with no kneading');
		expect(html).not.toMatch(/sync-status|Up to date/);

		// The app takes it away once it draws the page, which is then its own.
		await page.locator('#cover-markup').waitFor({ state: 'detached' });
		await statusSays(page, /^Offline/);
		const item = page.locator('article.item', { hasText: 'An essay <em>on</em> commonplace books' });
		await expect(item.count()).resolves.toBe(1);
		// By keyboard: the item's link is reached and followed, and a note added offline shows in the list.
		const open = item.getByRole('link', { name: /^Open/ });
		await open.focus();
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/i\/[^/]+$/);
		await page.locator('#note-new').fill('Added with no network');
		await page.getByRole('button', { name: 'Add note' }).click();
		await page.getByText('Added with no network').first().waitFor();
		await page.goto(`${origin}/g/${reading}`);
		await page.locator('article.item', { hasText: 'Added with no network' }).waitFor();
	});

});
