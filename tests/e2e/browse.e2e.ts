// Browsing a group like a Diigo group page, in real Chromium against the built app and a real relay:
// the home page's sample group and last-opened state, descriptions in the list, the narrow layout,
// the weighted tag cloud, combined tags, the poster's items, sort orders and filters in the URL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addItem, setMemberProfile } from '../../src/lib/model';
import { SAMPLE_ITEMS } from '../../src/lib/demo/sample-data';
import { createGroupFromHome, groupIdOf } from '../helpers/workspace-page';
import { launchBrowser } from '../helpers/browser';
import { connectMember, eventually, startTestRelay, type TestRelay } from '../helpers/relay';
import { patchStoredGroup, storedGroupOf, tokenOf } from '../helpers/registry';

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

let relay: TestRelay;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
	mkdirSync(SCREENSHOTS, { recursive: true });
	relay = await startTestRelay({ staticDir: inject('buildDir') });
	browser = await launchBrowser();
	context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	page = await context.newPage();
	page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
	await browser?.close();
	await relay?.stop();
});

let sampleId = '';

/** The home page's line for one group. */
function homeLine(p: Page, groupId: string) {
	return p.locator('.groups li').filter({ has: p.locator(`a[href="/g/${groupId}"]`) });
}

describe('the home page', () => {
	it('opens the sample group it already holds instead of making another copy', async () => {
		await page.goto(`${relay.url}/`);
		await page.getByRole('button', { name: 'Try the sample group' }).click();
		await page.waitForURL(/\/g\/[^/]+$/);
		await page.getByText('1 - 10 of 10').first().waitFor();
		const first = groupIdOf(page);
		sampleId = first;

		await page.goto(`${relay.url}/`);
		await page.getByRole('button', { name: 'Try the sample group' }).click();
		await page.waitForURL(/\/g\/[^/]+$/);
		await page.getByText('1 - 10 of 10').first().waitFor();
		expect(groupIdOf(page)).toBe(first);

		await page.goto(`${relay.url}/`);
		await homeLine(page, first).waitFor();
		expect(await page.locator('.groups li').filter({ hasText: 'Tic&Travail' }).count()).toBe(1);

		// A copy made by an earlier version of the app carries no mark: opening it once is enough.
		await patchStoredGroup(page, first, { sample: undefined });
		expect((await storedGroupOf(page, first)).sample).toBeUndefined();
		await page.goto(`${relay.url}/g/${first}`);
		await page.getByText('1 - 10 of 10').first().waitFor();
		await eventually(async () => expect((await storedGroupOf(page, first)).sample).toBe(true));
		await page.goto(`${relay.url}/`);
		await page.getByRole('button', { name: 'Try the sample group' }).click();
		await page.waitForURL(/\/g\/[^/]+$/);
		expect(groupIdOf(page)).toBe(first);
	});

	it('shows a group just opened as opened just now, after following the home link', async () => {
		const groupId = await createGroupFromHome(page, relay.url, 'Opened a moment ago');
		await page.getByRole('link', { name: 'Commonplace', exact: true }).click();
		await page.waitForURL(`${relay.url}/`);
		const line = homeLine(page, groupId);
		await line.waitFor();
		expect(await line.textContent()).not.toContain('not opened yet');
		expect(await line.textContent()).toContain('opened just now');
	});

	it('shows a group just opened as opened just now, on a fresh load of the home page', async () => {
		const groupId = await createGroupFromHome(page, relay.url, 'Opened then reloaded');
		await page.goto(`${relay.url}/`);
		const line = homeLine(page, groupId);
		await line.waitFor();
		expect(await line.textContent()).not.toContain('not opened yet');
		expect(await line.textContent()).toContain('opened just now');
	});

	it('updates a home page left open in another tab when a group is opened', async () => {
		const home = await context.newPage();
		await home.goto(`${relay.url}/`);
		await home.getByRole('button', { name: 'Create group' }).waitFor();
		const groupId = await createGroupFromHome(page, relay.url, 'Opened in another tab');
		const line = homeLine(home, groupId);
		await line.filter({ hasText: 'opened just now' }).waitFor({ timeout: 10_000 });
		await home.close();
	});
});

/** Titles of the items listed, in order. */
async function listedTitles(p: Page): Promise<string[]> {
	return p.locator('article.item h2 a[target]').allTextContents();
}

/** The sample items in the order the model should list them: ties go newest first (SAMPLE_ITEMS is newest first). */
function sampleOrder(score: (item: (typeof SAMPLE_ITEMS)[number]) => number): string[] {
	return SAMPLE_ITEMS.map((item, index) => ({ title: item.title, score: score(item), index }))
		.sort((a, b) => b.score - a.score || a.index - b.index)
		.map((x) => x.title);
}

describe('the group page', () => {
	it('shows the first lines of each item’s description, clipped', async () => {
		const groupId = await createGroupFromHome(page, relay.url, 'Imported reading');
		await eventually(async () => expect(await page.getByText('Up to date').count()).toBeGreaterThan(0), 15_000);
		const other = connectMember(relay.wsUrl, groupId, { token: await tokenOf(page, groupId) });
		try {
			await eventually(() => other.provider.synced, 10_000);
			const actor = { memberId: 'importer' };
			setMemberProfile(other.doc, actor, { name: 'Importer', color: '#117a65' });
			const long = Array.from({ length: 8 }, (_, i) => `Line ${i + 1} of a long description brought over from Diigo.`).join('\n');
			addItem(other.doc, actor, { url: 'https://example.org/long', title: 'A long description', description: long });
			addItem(other.doc, actor, { url: 'https://example.org/short', title: 'A short one', description: 'Just **one** line <b>kept as text</b>.' });
			await page.getByText('1 - 2 of 2').first().waitFor({ timeout: 15_000 });
		} finally {
			other.destroy();
		}
		const longRow = page.locator('article.item', { hasText: 'A long description' });
		const description = longRow.locator('.description');
		await description.getByText('Line 1 of a long description', { exact: false }).waitFor();
		// Clipped to its first lines: the rest is there for the item page but not shown here.
		const box = await description.evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight, line: parseFloat(getComputedStyle(el).lineHeight) }));
		expect(box.scroll).toBeGreaterThan(box.client);
		expect(box.client).toBeLessThanOrEqual(box.line * 3 + 2);
		const shortRow = page.locator('article.item', { hasText: 'A short one' });
		expect(await shortRow.locator('.description').textContent()).toBe('Just **one** line <b>kept as text</b>.');
		expect(await shortRow.locator('.description b').count()).toBe(0);
		await page.screenshot({ path: join(SCREENSHOTS, 'browse-descriptions.png') });
	});

	it('shows the tags as a weighted cloud that stays a list of links with counts', async () => {
		await page.goto(`${relay.url}/g/${sampleId}`);
		await page.getByText('1 - 10 of 10').first().waitFor();
		const cloud = page.locator('aside').getByRole('list').first();
		const amateur = cloud.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'amateur', exact: true }) });
		expect((await amateur.textContent())?.replace(/\s+/g, ' ')).toContain('10 items');
		const size = (name: string) => cloud.getByRole('link', { name, exact: true }).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		// amateur is on all ten items, travail on five, radio on one.
		expect(await size('amateur')).toBeGreaterThan(await size('travail'));
		expect(await size('travail')).toBeGreaterThan(await size('radio'));
		// Reached by keyboard like any link.
		await cloud.getByRole('link', { name: 'radio', exact: true }).focus();
		await page.keyboard.press('Enter');
		await page.waitForURL(/\?tag=radio$/);
		await page.getByText('1 - 1 of 1').first().waitFor();
	});

	it('combines tags, keeps them in the address across reload, back and forward, and removes them as chips', async () => {
		await page.goto(`${relay.url}/g/${sampleId}`);
		await page.locator('aside').getByRole('link', { name: 'amateur', exact: true }).click();
		await page.waitForURL(/\?tag=amateur$/);
		await page.getByRole('heading', { name: 'Group items tagged amateur', exact: true }).waitFor();
		await page.getByText('1 - 10 of 10').first().waitFor();
		await page.locator('aside').getByRole('link', { name: 'travail', exact: true }).click();
		await page.waitForURL(/\?tag=amateur&tag=travail$/);
		await page.getByRole('heading', { name: 'Group items tagged amateur + travail', exact: true }).waitFor();
		await page.getByText('1 - 5 of 5').first().waitFor();
		for (const article of await page.locator('article.item').all()) {
			const tags = await article.locator('.meta .tag').allTextContents();
			expect(tags).toContain('amateur');
			expect(tags).toContain('travail');
		}
		// The cloud now offers only the tags that narrow these five items further.
		expect(await page.locator('aside').getByRole('link', { name: 'innovation', exact: true }).count()).toBe(0);
		expect(await page.locator('aside').getByRole('link', { name: 'économie du partage', exact: true }).count()).toBe(1);

		await page.reload();
		await page.getByRole('heading', { name: 'Group items tagged amateur + travail', exact: true }).waitFor();
		await page.getByText('1 - 5 of 5').first().waitFor();
		await page.goBack();
		await page.getByRole('heading', { name: 'Group items tagged amateur', exact: true }).waitFor();
		await page.getByText('1 - 10 of 10').first().waitFor();
		await page.goForward();
		await page.getByRole('heading', { name: 'Group items tagged amateur + travail', exact: true }).waitFor();

		await page.screenshot({ path: join(SCREENSHOTS, 'browse-combined-tags.png') });
		await page.getByRole('link', { name: 'Remove tag amateur from the filter' }).click();
		await page.waitForURL(/\?tag=travail$/);
		await page.getByRole('heading', { name: 'Group items tagged travail', exact: true }).waitFor();
		await page.getByText('1 - 5 of 5').first().waitFor();
		await page.getByRole('link', { name: 'Remove tag travail from the filter' }).click();
		await page.getByRole('heading', { name: 'Group items', exact: true }).waitFor();
		expect(new URL(page.url()).search).toBe('');
	});

	it('links the poster’s name to the items they saved', async () => {
		await page.goto(`${relay.url}/g/${sampleId}`);
		await page.getByText('1 - 10 of 10').first().waitFor();
		await page.locator('article.item .poster').getByRole('link', { name: 'julien camacho' }).click();
		await page.waitForURL(/\?member=sample-julien$/);
		await page.getByRole('heading', { name: 'Group items saved by julien camacho', exact: true }).waitFor();
		await page.getByText('1 - 1 of 1').first().waitFor();
		expect(await listedTitles(page)).toEqual(SAMPLE_ITEMS.filter((i) => i.poster === 'julien').map((i) => i.title));
		await page.reload();
		await page.getByText('1 - 1 of 1').first().waitFor();

		// Every filter comes from the address, shows as a chip, and removing one keeps the others.
		await page.goto(`${relay.url}/g/${sampleId}?member=sample-julien&q=inria&sort=views&per=10`);
		await page.getByRole('heading', { name: 'Group items saved by julien camacho matching “inria”', exact: true }).waitFor();
		await page.getByText('1 - 1 of 1').first().waitFor();
		expect(await page.getByLabel('Search this group').inputValue()).toBe('inria');
		expect(await page.getByRole('navigation', { name: 'Sort items' }).getByRole('link', { name: 'Most viewed' }).getAttribute('aria-current')).toBe('true');
		expect(await page.locator('.per strong').first().textContent()).toBe('10');
		await page.getByRole('link', { name: 'Remove the search for “inria”' }).click();
		await page.waitForURL((url) => url.search === '?member=sample-julien&sort=views&per=10');
		await page.getByRole('link', { name: 'Remove the filter on items saved by julien camacho' }).click();
		await page.waitForURL((url) => url.search === '?sort=views&per=10');
		await page.getByText('1 - 10 of 10').first().waitFor();
	});

	it('sorts by newest, oldest, most viewed and most annotated, keeping the filter', async () => {
		await page.goto(`${relay.url}/g/${sampleId}`);
		await page.getByText('1 - 10 of 10').first().waitFor();
		const sort = page.getByRole('navigation', { name: 'Sort items' });
		const expected: Record<string, string[]> = {
			'Oldest first': [...SAMPLE_ITEMS].reverse().map((i) => i.title),
			'Most viewed': sampleOrder((i) => Object.values(i.views).reduce((a, b) => a + (b ?? 0), 0)),
			'Most annotated': sampleOrder((i) => i.highlights.length + i.notes.length),
			'Newest first': SAMPLE_ITEMS.map((i) => i.title)
		};
		const param: Record<string, string> = { 'Oldest first': 'oldest', 'Most viewed': 'views', 'Most annotated': 'annotated', 'Newest first': '' };
		for (const [label, titles] of Object.entries(expected)) {
			await sort.getByRole('link', { name: label }).click();
			await page.waitForURL((url) => (url.searchParams.get('sort') ?? '') === param[label]);
			await eventually(async () => expect(await listedTitles(page)).toEqual(titles));
			expect(await sort.getByRole('link', { name: label }).getAttribute('aria-current')).toBe('true');
		}
		// A sort order survives a reload and combines with a tag and paging.
		await page.goto(`${relay.url}/g/${sampleId}?tag=travail&sort=oldest&per=10`);
		await page.getByText('1 - 5 of 5').first().waitFor();
		expect(await listedTitles(page)).toEqual([...SAMPLE_ITEMS].reverse().filter((i) => i.tags.includes('travail')).map((i) => i.title));
		await page.locator('aside').getByRole('link', { name: 'digital labor', exact: true }).click();
		await page.waitForURL((url) => url.searchParams.getAll('tag').join('+') === 'travail+digital labor' && url.searchParams.get('sort') === 'oldest' && url.searchParams.get('per') === '10');
	});

	it('folds tags and members into a bar at the top at 360 px, opened by keyboard', async () => {
		await page.setViewportSize({ width: 360, height: 780 });
		try {
			await page.goto(`${relay.url}/g/${sampleId}`);
			await page.getByText('1 - 10 of 10').first().waitFor();
			const toggle = page.getByRole('button', { name: /Tags and members/ });
			const firstItem = page.locator('article.item').first();
			expect(await toggle.getAttribute('aria-expanded')).toBe('false');
			expect(await page.locator('aside').getByRole('link', { name: 'amateur', exact: true }).isVisible()).toBe(false);
			const toggleBox = (await toggle.boundingBox())!;
			expect(toggleBox.y + toggleBox.height).toBeLessThanOrEqual((await firstItem.boundingBox())!.y);
			const height = await page.evaluate(() => document.documentElement.scrollHeight);
			const itemsBottom = await page.locator('article.item').last().evaluate((el) => el.getBoundingClientRect().bottom + scrollY);
			// Nothing long after the last item: the pager and the page's margin, not a tag list.
			expect(height - itemsBottom).toBeLessThan(400);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
			await page.screenshot({ path: join(SCREENSHOTS, 'browse-group-360.png') });
			await page.screenshot({ path: join(SCREENSHOTS, 'browse-group-360-full.png'), fullPage: true });

			await toggle.focus();
			await page.keyboard.press('Enter');
			expect(await toggle.getAttribute('aria-expanded')).toBe('true');
			const amateur = page.locator('aside').getByRole('link', { name: 'amateur', exact: true });
			await amateur.waitFor();
			expect((await amateur.boundingBox())!.y).toBeLessThan((await firstItem.boundingBox())!.y);
			await page.keyboard.press('Tab');
			expect(await page.evaluate(() => document.activeElement?.closest('aside') !== null)).toBe(true);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
			await page.screenshot({ path: join(SCREENSHOTS, 'browse-group-360-open.png') });
			await page.keyboard.press('Shift+Tab');
			await page.keyboard.press('Space');
			expect(await toggle.getAttribute('aria-expanded')).toBe('false');

			await page.goto(`${relay.url}/`);
			await page.getByRole('button', { name: 'Try the sample group' }).waitFor();
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
			await page.screenshot({ path: join(SCREENSHOTS, 'browse-home-360.png'), fullPage: true });
		} finally {
			await page.setViewportSize({ width: 1280, height: 900 });
		}
	});

	it('looks right at 1280 px', async () => {
		await page.goto(`${relay.url}/g/${sampleId}?tag=amateur&tag=travail`);
		await page.getByText('1 - 5 of 5').first().waitFor();
		expect(await page.getByRole('button', { name: /Tags and members/ }).isVisible()).toBe(false);
		await page.screenshot({ path: join(SCREENSHOTS, 'browse-group-1280.png') });
		await page.goto(`${relay.url}/g/${sampleId}`);
		await page.getByText('1 - 10 of 10').first().waitFor();
		await page.screenshot({ path: join(SCREENSHOTS, 'browse-group-1280-all.png') });
		// The keyboard meets tags and members before the items, and can skip them in one step.
		const skip = page.getByRole('button', { name: 'Skip to the items' });
		await skip.focus();
		await page.keyboard.press('Enter');
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => document.activeElement?.closest('#items') !== null && document.activeElement?.closest('aside') === null)).toBe(true);
		await page.goto(`${relay.url}/`);
		await page.getByRole('button', { name: 'Try the sample group' }).waitFor();
		await page.screenshot({ path: join(SCREENSHOTS, 'browse-home-1280.png'), fullPage: true });
		expect(pageErrors).toEqual([]);
	});
});
