// Importing through the Import and export page in real Chromium: the drop zone's button opens the
// file picker (by keyboard too), the preview says how many bookmarks are private and which entries
// become one item, and the import keeps private bookmarks out unless the member says otherwise. A big
// import shows its progress and stops on Cancel, keeping what it wrote; exports can be cancelled too.
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

/** A Netscape bookmarks file of `count` pages new to the group. */
function bookmarksFile(count: number): Buffer {
	const lines = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>', '<TITLE>Bookmarks</TITLE>', '<DL><p>'];
	for (let i = 0; i < count; i++) lines.push(`<DT><A HREF="https://big.example.org/page/${i}" ADD_DATE="${1_700_000_000 + i}" TAGS="big">Big page ${i}</A>`);
	lines.push('</DL><p>');
	return Buffer.from(lines.join('\n'));
}

/** The group's item count as its Items page shows it, reached through the group's tabs. */
async function itemsShown(): Promise<string> {
	await page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name: 'Items' }).click();
	const count = page.locator('.count').first();
	await count.waitFor();
	return (await count.textContent())!.trim();
}

async function backToExchange(): Promise<void> {
	await page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name: 'Import/Export' }).click();
	await page.getByRole('heading', { name: 'Import and export' }).waitFor();
}

/** Big enough that Cancel, pressed as soon as the bar moves, comes before the end. */
const BIG = 20_000;
const BIG_TEXT = BIG.toLocaleString('en');

describe('a big import', () => {
	const file = { name: 'big.html', mimeType: 'text/html', buffer: bookmarksFile(BIG) };

	it('shows its progress, stops on Cancel keeping what it imported, and is one step to undo', async () => {
		await openExchange('Big imports');
		await page.locator('input[type="file"]').setInputFiles(file);
		await page.getByRole('region', { name: 'Ready to import “big.html”' }).waitFor({ timeout: 60_000 });
		// As on a slow phone, so the import runs long enough to be stopped part way.
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
		await page.getByRole('button', { name: `Import ${BIG_TEXT} items` }).click();
		const bar = page.getByRole('progressbar', { name: 'Items imported' });
		await bar.waitFor();
		// Cancel once some items are written, as a member would on seeing the bar move.
		const written = () => page.evaluate(() => (document.querySelector('progress[max]') as HTMLProgressElement | null)?.value ?? 0);
		while ((await written()) === 0) await page.waitForTimeout(100);
		expect(await bar.getAttribute('max')).toBe(String(BIG));
		// The keyboard is on Cancel from the start, so a keyboard user stops it with one key.
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel import');
		await page.keyboard.press('Enter');
		const status = page.getByRole('status').filter({ hasText: 'Stopped after' });
		await status.waitFor();
		const stopped = new RegExp(`^Stopped after ([\\d,]+) of ${BIG_TEXT} items: ([\\d,]+) items? added\\. Undo takes them back; importing the file again adds the rest\\.$`).exec(
			(await status.textContent())!.trim()
		);
		expect(stopped).not.toBeNull();
		expect(stopped![2]).toBe(stopped![1]);
		const imported = Number(stopped![1].replace(/,/g, ''));
		expect(imported).toBeGreaterThan(0);
		expect(imported).toBeLessThan(BIG);
		await bar.waitFor({ state: 'detached' });
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
		expect(await itemsShown()).toBe(`1 - 20 of ${imported}`);

		// The same file again: it adds only the rest, and runs to its end.
		await backToExchange();
		await page.locator('input[type="file"]').setInputFiles(file);
		await page.getByRole('button', { name: `Import ${BIG_TEXT} items` }).click({ timeout: 60_000 });
		const done = page.getByRole('status').filter({ hasText: 'added' });
		await done.waitFor({ timeout: 120_000 });
		expect(await done.textContent()).toBe(`${(BIG - imported).toLocaleString('en')} items added, ${imported.toLocaleString('en')} already in the group.`);
		expect(await itemsShown()).toBe(`1 - 20 of ${BIG}`);

		// Undo takes back the second import whole, and only it.
		await page.getByRole('button', { name: 'Undo' }).click();
		await page.getByText(`1 - 20 of ${imported}`, { exact: true }).first().waitFor();
		expect(pageErrors).toEqual([]);
	}, 240_000);

	it('exports the group from a worker, with a Cancel button while it writes', async () => {
		await backToExchange();
		const downloading = page.waitForEvent('download', { timeout: 120_000 });
		await page.getByRole('button', { name: 'Backup (JSON)' }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toMatch(/^big-imports-\d{4}-\d{2}-\d{2}-backup\.json$/);
		const backup = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { items: unknown[] };
		expect(backup.items.length).toBeGreaterThan(0);
		expect(backup.items.length).toBeLessThan(BIG);
		expect(await itemsShown()).toBe(`1 - 20 of ${backup.items.length}`);

		// Cancelled while it writes: no file, and the page says so.
		await backToExchange();
		let downloads = 0;
		page.on('download', () => downloads++);
		await page.getByRole('button', { name: 'Spreadsheet (CSV)' }).click();
		await page.getByRole('button', { name: 'Cancel export' }).click();
		await page.getByRole('status').filter({ hasText: 'Export cancelled.' }).waitFor();
		expect(await page.getByRole('button', { name: 'Spreadsheet (CSV)' }).isEnabled()).toBe(true);
		expect(downloads).toBe(0);
		expect(pageErrors).toEqual([]);
	}, 240_000);
});
