// The group workspace in real Chromium against the built app and a real relay: creating a group,
// adding and annotating items, filters, search, pages, trash, undo, the bookmarklet, hostile titles.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addItem, descriptionText, readDescription } from '../../src/lib/model';
import { launchBrowser } from '../helpers/browser';
import { connectMember, eventually, startTestRelay, type TestRelay } from '../helpers/relay';
import { tokenOf } from '../helpers/registry';

const BEFORE = 'Some words that come well before. Just before it: ';
const AFTER = ' and right after it, more words follow.';
const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

let relay: TestRelay;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
	mkdirSync(SCREENSHOTS, { recursive: true });
	relay = await startTestRelay({ staticDir: inject('buildDir') });
	browser = await launchBrowser();
	context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	context.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	page = await context.newPage();
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
	await browser?.close();
	await relay?.stop();
});

/** The group id in the current page's address. */
function groupIdOf(p: Page): string {
	const match = /\/g\/([^/?#]+)/.exec(new URL(p.url()).pathname);
	if (!match) throw new Error(`Not on a group page: ${p.url()}`);
	return match[1];
}

async function createGroup(name: string): Promise<string> {
	await page.goto(`${relay.url}/`);
	await page.getByLabel('Group name').fill(name);
	await page.getByRole('button', { name: 'Create group' }).click();
	await page.waitForURL(/\/g\/[^/]+$/);
	await page.getByRole('heading', { name: 'Group items', exact: true }).waitFor();
	return groupIdOf(page);
}

async function addThroughForm(groupId: string, fields: { url: string; title: string; tags?: string; quote?: string; note?: string }): Promise<void> {
	await page.goto(`${relay.url}/g/${groupId}/new`);
	await page.getByLabel('Page address').fill(fields.url);
	await page.getByLabel('Title').fill(fields.title);
	if (fields.tags) await page.getByLabel('Tags').fill(fields.tags);
	if (fields.quote) await page.getByLabel('Passage').fill(fields.quote);
	if (fields.note) await page.getByLabel('Note (optional, Markdown)').fill(fields.note);
	await page.getByRole('button', { name: /Save item|Add to the existing item/ }).click();
	await page.waitForURL(/\/i\/[0-9a-f]+$/);
}

describe('the group workspace', () => {
	let groupId = '';

	it('creates a group and adds items with tags, highlights and notes', async () => {
		groupId = await createGroup('Reading club');
		expect(await page.getByText('No items yet.').isVisible()).toBe(true);

		// A refused address shows the model's message and saves nothing.
		await page.goto(`${relay.url}/g/${groupId}/new`);
		await page.getByLabel('Page address').fill('javascript:alert(1)');
		await page.getByRole('button', { name: 'Save item' }).click();
		await page.getByText('Only http and https pages can be saved').waitFor();
		expect(page.url()).toMatch(/\/new$/);

		await addThroughForm(groupId, {
			url: 'https://scinfolex.com/2013/01/04/remunerer-les-amateurs',
			title: 'Rémunérer les amateurs',
			tags: 'amateur, digital labor',
			quote: 'les externalités positives',
			note: 'Dans la **continuité** de Stiegler'
		});
		await page.getByText('les externalités positives').first().waitFor();
		expect(await page.locator('.notes strong').textContent()).toBe('continuité');

		// Editing one's own note is live: saved as it is typed.
		await page.getByRole('button', { name: 'Edit your note', exact: true }).click();
		const editor = page.getByLabel('Your note');
		await eventually(async () => expect(await editor.inputValue()).toBe('Dans la **continuité** de Stiegler'));
		await editor.press('End');
		await editor.pressSequentially(', *relu*');
		await page.getByRole('button', { name: 'Done' }).click();
		await page.locator('.notes em', { hasText: 'relu' }).waitFor();

		// So is a note on one's own highlight.
		await page.getByRole('button', { name: 'Add your note on this highlight' }).click();
		await page.getByLabel('Your note on this passage').pressSequentially('le cœur du sujet');
		await page.getByRole('button', { name: 'Done' }).click();
		await page.locator('.highlight-note', { hasText: 'le cœur du sujet' }).waitFor();

		// A note and a highlight added on the item page.
		await page.getByLabel('Add a note').fill('Voir aussi [Rue89](https://rue89.nouvelobs.com/)');
		await page.getByRole('button', { name: 'Add note' }).click();
		await page.getByRole('link', { name: 'Rue89' }).waitFor();
		expect(await page.getByRole('link', { name: 'Rue89' }).getAttribute('rel')).toContain('noopener');
		await page.locator('#hl-quote').fill('la contribution créative');
		await page.getByRole('button', { name: 'Add highlight' }).click();
		await page.getByRole('heading', { name: 'Highlights (2)' }).waitFor();

		await addThroughForm(groupId, {
			url: 'https://www.slate.fr/story/103517/amazon-uber-travail-miettes',
			title: 'Amazon, Uber: le travail en miettes',
			tags: 'travail'
		});

		await page.goto(`${relay.url}/g/${groupId}`);
		await page.getByText('1 - 2 of 2').first().waitFor();
		const first = page.locator('article.item').first();
		expect(await first.getByRole('heading').textContent()).toContain('Amazon, Uber');
		const link = page.getByRole('link', { name: 'Rémunérer les amateurs', exact: true });
		expect(await link.getAttribute('target')).toBe('_blank');
		expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
		expect(await page.locator('article.item').nth(1).textContent()).toContain('1 view');
	});

	it('filters by tag and searches, keeping the filters in the address', async () => {
		await page.goto(`${relay.url}/g/${groupId}`);
		await page.locator('aside').getByRole('link', { name: 'digital labor' }).click();
		await page.waitForURL(/\?tag=digital\+labor$/);
		await page.getByRole('heading', { name: 'Group items tagged digital labor' }).waitFor();
		expect(await page.locator('.breadcrumb').textContent()).toContain('Group items tagged digital labor');
		expect(await page.locator('.count').first().textContent()).toBe('1 - 1 of 1');
		// The feed link carries the group's feed token once the relay has answered, and serves RSS.
		const feedLink = page.getByRole('link', { name: /RSS feed for digital labor/ });
		await page.waitForFunction(() => document.querySelector('a.feed')?.getAttribute('href')?.startsWith('/feeds/'));
		const feedHref = (await feedLink.getAttribute('href'))!;
		expect(feedHref).toMatch(new RegExp(`^/feeds/${groupId}\\.rss\\?token=[^&]+&tag=digital\\+labor$`));
		const feed = await page.request.get(`${relay.url}${feedHref}`);
		expect(feed.status()).toBe(200);
		expect(await feed.text()).toContain('<category>digital labor</category>');

		await page.reload();
		await page.getByRole('heading', { name: 'Group items tagged digital labor' }).waitFor();

		await page.goto(`${relay.url}/g/${groupId}`);
		await page.getByLabel('Search this group').fill('creative');
		await page.getByLabel('Search this group').press('Enter');
		await page.waitForURL(/\?q=creative$/);
		await page.getByText('1 - 1 of 1').first().waitFor();
		expect(await page.locator('article.item').textContent()).toContain('Rémunérer les amateurs');
		await page.getByLabel('Search this group').fill('miettes');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.waitForURL(/\?q=miettes$/);
		await eventually(async () => expect(await page.locator('article.item').textContent()).toContain('Amazon, Uber'));
	});

	it('edits an item’s description live, together with another member', async () => {
		const other = connectMember(relay.wsUrl, groupId, { token: await tokenOf(page, groupId) });
		try {
			await eventually(() => other.provider.synced);
			await page.goto(`${relay.url}/g/${groupId}`);
			await page.getByRole('link', { name: 'Rémunérer les amateurs', exact: true }).waitFor();
			await page.getByRole('link', { name: /Open.*Rémunérer les amateurs/ }).click();
			await page.waitForURL(/\/i\/[0-9a-f]+$/);
			const itemId = /\/i\/([0-9a-f]+)$/.exec(page.url())![1];
			await page.getByRole('button', { name: 'Edit title, description and tags' }).click();
			const field = page.getByLabel('Description');
			await field.pressSequentially('Sur la contribution.');
			// Saved as typed: the other member has it without anyone pressing Save.
			await eventually(() => expect(readDescription(other.doc, itemId)).toBe('Sur la contribution.'));
			// The other member's typing appears in the open field, and the caret stays where it was.
			await field.press('Home');
			const text = descriptionText(other.doc, itemId);
			text.insert(text.toString().indexOf('.'), ' créative');
			await eventually(async () => expect(await field.inputValue()).toBe('Sur la contribution créative.'));
			await field.pressSequentially('Note : ');
			await eventually(() => expect(readDescription(other.doc, itemId)).toBe('Note : Sur la contribution créative.'));
			await page.getByRole('button', { name: 'Cancel' }).click();
			await page.locator('.description', { hasText: 'Note : Sur la contribution créative.' }).waitFor();
		} finally {
			other.destroy();
		}
	});

	it('finds a page already in the group and merges into it', async () => {
		await page.goto(`${relay.url}/g/${groupId}/new`);
		await page.getByLabel('Page address').fill('https://scinfolex.com/2013/01/04/remunerer-les-amateurs/?utm_source=x');
		await page.getByText('This page is already in the group').waitFor();
		await page.getByLabel('Tags').fill('rému');
		await page.getByLabel('Tags').fill('rémunération');
		await page.getByRole('button', { name: 'Add to the existing item' }).click();
		await page.waitForURL(/\/i\//);
		await page.locator('.tags').getByText('rémunération').waitFor();
		await page.goto(`${relay.url}/g/${groupId}`);
		await page.getByText('1 - 2 of 2').first().waitFor();
	});

	it('deletes, undoes, redoes and restores from the trash', async () => {
		await page.goto(`${relay.url}/g/${groupId}`);
		await page.getByRole('link', { name: /Open.*Amazon, Uber/ }).click();
		await page.getByRole('button', { name: 'Delete item' }).click();
		await page.getByText('This item is in the trash').waitFor();

		await page.locator('h1').click();
		await page.keyboard.press('Control+z');
		await page.getByText('This item is in the trash').waitFor({ state: 'detached' });
		await page.keyboard.press('Control+Shift+z');
		await page.getByText('This item is in the trash').waitFor();

		await page.getByRole('link', { name: 'Trash' }).click();
		await page.getByRole('heading', { name: 'Trash' }).waitFor();
		await page.getByRole('button', { name: /Restore.*Amazon, Uber/ }).click();
		await page.getByText('The trash is empty.').waitFor();
		await page.getByRole('link', { name: 'Items', exact: true }).click();
		await page.getByText('1 - 2 of 2').first().waitFor();
	});

	it('shows a hostile title as text and runs no script', async () => {
		await addThroughForm(groupId, { url: 'https://evil.example/x', title: '<img src=x onerror=alert(1)>', tags: '<b>bold</b>' });
		await page.goto(`${relay.url}/g/${groupId}`);
		await page.getByText('<img src=x onerror=alert(1)>').first().waitFor();
		expect(await page.locator('main img').count()).toBe(0);
		expect(await page.locator('main b').count()).toBe(0);
		await page.getByRole('link', { name: /Open.*onerror/ }).click();
		await page.getByRole('heading', { name: '<img src=x onerror=alert(1)>' }).waitFor();
		// Markdown in notes is rendered, but sanitised: no images, no script links.
		await page.getByLabel('Add a note').fill('<img src=x onerror=alert(2)> [click](javascript:alert(3)) <script>alert(4)</script> **ok**');
		await page.getByRole('button', { name: 'Add note' }).click();
		await page.locator('.notes strong', { hasText: 'ok' }).waitFor();
		expect(await page.locator('main img, main script').count()).toBe(0);
		// A script link is plain text, not a link that does nothing.
		expect(await page.locator('.notes a', { hasText: 'click' }).count()).toBe(0);
		expect(dialogs).toEqual([]);
	});

	it('pages through 45 items that another member added', async () => {
		const bigGroup = await createGroup('Big group');
		const token = await tokenOf(page, bigGroup);
		await eventually(async () => expect(await page.getByText('Up to date').count()).toBeGreaterThan(0), 15_000);
		const other = connectMember(relay.wsUrl, bigGroup, { token });
		try {
			await eventually(() => other.provider.synced, 10_000);
			let t = Date.UTC(2024, 0, 1);
			const actor = { memberId: 'other-member', now: () => (t += 60_000) };
			for (let i = 1; i <= 45; i++) addItem(other.doc, actor, { url: `https://example.org/page-${i}`, title: `Page ${i}`, tags: 'seeded' });
			await page.getByText('1 - 20 of 45').first().waitFor({ timeout: 15_000 });
		} finally {
			other.destroy();
		}
		await page.getByRole('link', { name: 'Page 2', exact: true }).first().click();
		await page.waitForURL(/page=2/);
		await page.getByText('21 - 40 of 45').first().waitFor();
		expect(await page.locator('article.item h2 a[target]').first().textContent()).toBe('Page 25');
		await page.getByRole('link', { name: 'Show 50 items per page' }).first().click();
		await page.getByText('1 - 45 of 45').first().waitFor();
		expect(new URL(page.url()).search).toBe('?per=50');
	});

	it('expands "...N more annotations..." in the sample group', async () => {
		await page.goto(`${relay.url}/`);
		await page.getByRole('button', { name: 'Try the sample group' }).click();
		await page.waitForURL(/\/g\/[^/]+$/);
		await page.getByText('1 - 10 of 10').first().waitFor();
		const first = page.locator('article.item').first();
		expect(await first.locator('.highlights > li').count()).toBe(4);
		await first.getByRole('button', { name: '...2 more annotations...' }).click();
		expect(await first.locator('.highlights > li').count()).toBe(5);
		expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Bluetouff');
		expect(await first.getByRole('button', { name: /more annotations/ }).count()).toBe(0);
		await page.screenshot({ path: join(SCREENSHOTS, 'group-page.png') });
		await page.setViewportSize({ width: 360, height: 780 });
		await page.screenshot({ path: join(SCREENSHOTS, 'group-page-360.png') });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await page.setViewportSize({ width: 1280, height: 900 });

		await first.getByRole('link', { name: /view/ }).click();
		await page.getByRole('heading', { name: 'Highlights (5)' }).waitFor();
		await page.screenshot({ path: join(SCREENSHOTS, 'item-page.png') });
		await page.setViewportSize({ width: 360, height: 780 });
		await page.screenshot({ path: join(SCREENSHOTS, 'item-page-360.png') });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await page.setViewportSize({ width: 1280, height: 900 });
	});

	it('shows a viewer no edit controls, and says so when their link is revoked', async () => {
		const ownerToken = await tokenOf(page, groupId);
		const api = `${relay.url}/api/groups/${groupId}/invites`;
		const response = await fetch(api, {
			method: 'POST',
			headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'viewer' })
		});
		expect(response.status).toBe(201);
		const invite = (await response.json()) as { id: string; link: string };

		const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		try {
			const viewer = await viewerContext.newPage();
			viewer.on('dialog', (dialog) => {
				dialogs.push(dialog.message());
				void dialog.dismiss();
			});
			// The invite link pasted into the home page.
			await viewer.goto(`${relay.url}/`);
			await viewer.getByLabel('Invite link', { exact: true }).fill('not a link');
			await viewer.getByRole('button', { name: 'Join', exact: true }).click();
			await viewer.getByText('That does not look like an invite link.').waitFor();
			await viewer.getByLabel('Invite link', { exact: true }).fill(`${relay.url}${invite.link}`);
			await viewer.getByRole('button', { name: 'Join', exact: true }).click();
			await viewer.getByRole('button', { name: 'Join the group' }).click();
			await viewer.waitForURL(/\/g\/[^/]+$/);
			await viewer.getByText('You can read this group but not edit it.').waitFor();
			await viewer.getByText(/ - \d+ of \d+/).first().waitFor();
			expect(await viewer.getByRole('link', { name: 'Add an item' }).count()).toBe(0);
			expect(await viewer.getByRole('link', { name: /^Capture to/ }).count()).toBe(0);
			await viewer.getByRole('link', { name: /Open.*Rémunérer les amateurs/ }).click();
			await viewer.getByRole('heading', { name: /Highlights/ }).waitFor();
			expect(await viewer.getByRole('button').filter({ hasText: /Delete|Edit|Add/ }).count()).toBe(0);

			// The owner sees who is looking at what; a note the owner adds reaches the viewer live,
			// below what the viewer is reading, without moving it.
			await page.goto(`${relay.url}/g/${groupId}`);
			await page.getByText(/viewing “Rémunérer les amateurs”/).waitFor({ timeout: 10_000 });
			const headingBefore = await viewer.locator('main h1').boundingBox();
			await page.getByRole('link', { name: /Open.*Rémunérer les amateurs/ }).click();
			await page.getByLabel('Add a note').fill('Une note qui arrive en direct');
			await page.getByRole('button', { name: 'Add note' }).click();
			await viewer.getByText('Une note qui arrive en direct').waitFor({ timeout: 10_000 });
			expect(await viewer.locator('main h1').boundingBox()).toEqual(headingBefore);

			// Joining gave the viewer a token of its own (listed under the link it joined with): revoke that one.
			const members = (await (
				await fetch(`${relay.url}/api/groups/${groupId}/members`, { headers: { authorization: `Bearer ${ownerToken}` } })
			).json()) as { id: string; invite: { id: string } | null }[];
			const viewerToken = members.find((m) => m.invite?.id === invite.id)!.id;
			const revoked = await fetch(`${api}/${encodeURIComponent(viewerToken)}`, {
				method: 'DELETE',
				headers: { authorization: `Bearer ${ownerToken}` }
			});
			expect(revoked.status).toBe(204);
			await viewer.locator('.notice.alert[role="alert"]').waitFor({ timeout: 10_000 });
			expect(await viewer.locator('.notice.alert').textContent()).toMatch(/revoked/i);
		} finally {
			await viewerContext.close();
		}
	});

	it('opens the add form prefilled from the capture bookmarklet', async () => {
		await page.goto(`${relay.url}/g/${groupId}`);
		const href = await page.getByRole('link', { name: 'Capture to Reading club' }).getAttribute('href');
		expect(href).toMatch(/^javascript:/);

		const article = await context.newPage();
		await article.route('https://news.example/article', (route) =>
			route.fulfill({
				contentType: 'text/html',
				body: `<title>An article</title><p>${BEFORE}<span id="q">the quoted passage</span>${AFTER}</p>`
			})
		);
		await article.goto('https://news.example/article');
		await article.evaluate(() => {
			const range = document.createRange();
			range.selectNodeContents(document.getElementById('q')!);
			getSelection()!.addRange(range);
		});
		const popup = context.waitForEvent('page');
		await article.evaluate((code) => (0, eval)(code), decodeURIComponent(href!.slice('javascript:'.length)));
		const form = await popup;
		await form.waitForURL(/\/new\?/);
		await form.getByLabel('Page address').waitFor();
		expect(await form.getByLabel('Page address').inputValue()).toBe('https://news.example/article');
		expect(await form.getByLabel('Title').inputValue()).toBe('An article');
		expect(await form.getByLabel('Passage').inputValue()).toBe('the quoted passage');
		// Up to 32 characters of the text on each side of the selection.
		expect(await form.getByLabel('Text just before it').inputValue()).toBe(BEFORE.slice(-32));
		expect(await form.getByLabel('Text just after it').inputValue()).toBe(AFTER.slice(0, 32));
		await form.close();
		await article.close();
		expect(pageErrors).toEqual([]);
		expect(dialogs).toEqual([]);
	});
});
