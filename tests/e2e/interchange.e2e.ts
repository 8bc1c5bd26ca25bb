// Importing through the Import and export page in real Chromium: the drop zone's button opens the
// file picker (by keyboard too), the preview says how many bookmarks are private and which entries
// become one item, and the import keeps private bookmarks out unless the member says otherwise.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startTestRelay, type TestRelay } from '../helpers/relay';

const FIXTURES = join(import.meta.dirname, '../fixtures/interchange');
const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

let relay: TestRelay;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
	mkdirSync(SCREENSHOTS, { recursive: true });
	relay = await startTestRelay({ staticDir: inject('buildDir') });
	browser = await launchBrowser();
	page = await (await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage();
	page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
	await browser?.close();
	await relay?.stop();
});

async function openExchange(name: string): Promise<void> {
	await page.goto(`${relay.url}/`);
	await page.getByLabel('Group name').fill(name);
	await page.getByRole('button', { name: 'Create group' }).click();
	await page.waitForURL(/\/g\/[^/]+$/);
	const groupId = /\/g\/([^/?#]+)/.exec(new URL(page.url()).pathname)![1];
	await page.goto(`${relay.url}/g/${groupId}/exchange`);
	await page.getByRole('heading', { name: 'Import and export' }).waitFor();
}

/**
 * Opens the picker from the drop zone's button with the keyboard and gives it a fixture. The page may
 * re-render as the group finishes syncing and take the focus away, so this tries again, a few times.
 */
async function chooseByKeyboard(fixture: string): Promise<void> {
	const button = page.getByRole('button', { name: 'Choose a file…' });
	for (let attempt = 1; ; attempt++) {
		await button.focus();
		const chooser = page.waitForEvent('filechooser', { timeout: 5_000 }).catch(() => null);
		await page.keyboard.press('Enter');
		const opened = await chooser;
		if (opened) return opened.setFiles(join(FIXTURES, fixture));
		if (attempt === 4) throw new Error('The file picker did not open from the keyboard.');
	}
}

describe('import through the page', () => {
	it('previews a Diigo export, leaves its private bookmarks out by default, and fits 360 px', async () => {
		await openExchange('Imports');
		const zone = page.getByRole('group', { name: 'Drop a file here to import it' });
		await zone.waitFor();
		await chooseByKeyboard('diigo-wrapper-private.html');
		const preview = page.getByRole('region', { name: 'Ready to import “diigo-wrapper-private.html”' });
		await preview.waitFor();
		expect(await preview.textContent()).toContain('4 items found (Netscape bookmarks)');
		expect(await preview.textContent()).toContain('2 bookmarks are marked private in this file.');
		const leaveOut = page.getByRole('checkbox', { name: 'Leave the 2 private bookmarks out' });
		expect(await leaveOut.isChecked()).toBe(true);
		// The decision is where the keyboard is now.
		await page.getByRole('button', { name: 'Import 2 items' }).waitFor();
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Import 2 items');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await page.keyboard.press('Enter');
		const status = page.getByRole('status').filter({ hasText: 'items added' });
		await status.waitFor();
		expect(await status.textContent()).toBe('2 items added. 2 private bookmarks were left out.');
		expect(pageErrors).toEqual([]);
	});

	it('lists the entries that become one item, with both titles, and imports private ones when asked', async () => {
		await chooseByKeyboard('spa-routes.html');
		const preview = page.getByRole('region', { name: 'Ready to import “spa-routes.html”' });
		await preview.waitFor();
		const merge = preview.getByRole('listitem').filter({ hasText: 'Les amateurs et le travail' });
		expect(await merge.textContent()).toContain('“Amateurs (from Twitter)”');
		await page.screenshot({ path: join(SCREENSHOTS, 'import-preview-360.png'), fullPage: true });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await page.getByRole('button', { name: 'Cancel' }).click();
		await preview.waitFor({ state: 'detached' });

		await chooseByKeyboard('diigo-wrapper-private.html');
		await page.getByRole('checkbox', { name: 'Leave the 2 private bookmarks out' }).uncheck();
		await page.getByRole('button', { name: 'Import 4 items' }).click();
		const status = page.getByRole('status').filter({ hasText: 'added' });
		await status.waitFor();
		expect(await status.textContent()).toMatch(/^2 items added, 2 already in the group\.$/);
		expect(pageErrors).toEqual([]);
	});

	it('takes a file dropped on the zone', async () => {
		const text = readFileSync(join(FIXTURES, 'linkding-multiword-tags.html'), 'utf8');
		const zone = page.getByRole('group', { name: 'Drop a file here to import it' });
		const dataTransfer = await page.evaluateHandle((body) => {
			const transfer = new DataTransfer();
			transfer.items.add(new File([body], 'linkding.html', { type: 'text/html' }));
			return transfer;
		}, text);
		await zone.dispatchEvent('dragover', { dataTransfer });
		await zone.dispatchEvent('drop', { dataTransfer });
		const preview = page.getByRole('region', { name: 'Ready to import “linkding.html”' });
		await preview.waitFor();
		expect(await preview.textContent()).toContain('3 items found (Netscape bookmarks)');
		expect(await preview.textContent()).not.toContain('private');
		await page.getByRole('button', { name: 'Import 3 items' }).click();
		await page.getByRole('status').filter({ hasText: '3 items added' }).waitFor();
		expect(pageErrors).toEqual([]);
	});
});
