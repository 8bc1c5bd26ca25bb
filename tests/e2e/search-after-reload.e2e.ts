// A search typed the moment a group's page is back after a reload, with no network: the search
// engine answers from the index it saved last time (before the group is read from storage), with
// the right item, for a word, its start and a typo, and the next search as well; and it finds what
// is added after the reload, though the page gave it no item when it opened.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Page } from 'playwright-core';
import { addItem, addNote, createGroup, randomId } from '../../src/lib/model';
import { browsersOnRelay } from '../helpers/browsers-on-relay';
import { connectMember, eventually, newToken } from '../helpers/relay';
import { rememberGroup } from '../helpers/registry';
import { serviceWorkerReady, statusSays } from '../helpers/workspace-page';

const e2e = browsersOnRelay();

const ITEMS = 150;

/** A group whose item 40 has a note with a rare word, item 90 another, and every other item ordinary words. */
function group(): { doc: Y.Doc; rare: string; other: string } {
	const doc = new Y.Doc();
	const actor = { memberId: 'ann' };
	createGroup(doc, actor, { name: 'Reading group' });
	let rare = '';
	let other = '';
	for (let i = 0; i < ITEMS; i++) {
		const { itemId } = addItem(doc, actor, { url: `https://example.org/${i}`, title: `Page number ${i}`, description: 'An ordinary page about reading.' });
		const word = i === 40 ? ' quincunxial' : i === 90 ? ' palimpsestic' : '';
		addNote(doc, actor, itemId, { text: `A note on page ${i} about margins and letters${word}.` });
		if (i === 40) rare = itemId;
		if (i === 90) other = itemId;
	}
	return { doc, rare, other };
}

/** How many items the search index the app saved in IndexedDB holds, and whether it knows the group's state it holds. */
function savedSearch(page: Page, groupId: string): Promise<{ items: number; state: boolean }> {
	return page.evaluate(
		(groupId) =>
			new Promise<{ items: number; state: boolean }>((resolve) => {
				const open = indexedDB.open('commonplace-views');
				open.onerror = () => resolve({ items: 0, state: false });
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('views')) return resolve({ items: 0, state: false });
					const get = db.transaction('views').objectStore('views').get(`search:${groupId}`);
					get.onsuccess = () => {
						const saved = get.result as { ids?: string[]; state?: Uint8Array | null } | undefined;
						resolve({ items: saved?.ids?.length ?? 0, state: saved?.state instanceof Uint8Array });
					};
					get.onerror = () => resolve({ items: 0, state: false });
				};
			}),
		groupId
	);
}

/**
 * Searches from the search box and waits until the listing shows exactly one item, `expected`
 * (the listing shown before stays until the answer comes, and may be one item too).
 */
async function searchFor(page: Page, text: string, expected: string): Promise<string[]> {
	await page.getByLabel('Search this group').fill(text);
	await page.getByLabel('Search this group').press('Enter');
	await page.locator(`article.item[aria-labelledby="title-${expected}"]`).waitFor({ timeout: 30_000 });
	await page.locator('.pager .count', { hasText: /^\s*1 - 1 of 1\s*$/ }).first().waitFor({ timeout: 30_000 });
	return page.locator('article.item').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-labelledby') ?? ''));
}

describe('search after a reload, offline', () => {
	it('finds the right item at once from the saved index, then the next one', async () => {
		const groupId = randomId();
		const token = newToken();
		const { doc, rare, other } = group();
		const uploader = connectMember(e2e.relay.wsUrl, groupId, { token, create: true, doc });
		await eventually(() => uploader.provider.synced);

		const page = await e2e.person();
		const context = page.context();
		await page.goto(`${e2e.relay.url}/`);
		await page.locator('#group-name').waitFor();
		await rememberGroup(page, groupId, token);
		await page.goto(`${e2e.relay.url}/g/${groupId}`);
		await page.locator('.pager .count', { hasText: `of ${ITEMS}` }).first().waitFor({ timeout: 30_000 });
		await serviceWorkerReady(page);
		await statusSays(page, /^Up to date$/);
		// The search engine saves its index a moment after it was given the group, and the group's
		// state once it is quiet: the page after the reload gives it nothing.
		await eventually(async () => {
			const saved = await savedSearch(page, groupId);
			return saved.items === ITEMS && saved.state;
		}, 60_000, 200);
		uploader.provider.destroy();

		await context.setOffline(true);
		await page.goto(`${e2e.relay.url}/g/${groupId}`);
		await page.locator('article.item').first().waitFor({ timeout: 30_000 });
		// Typed as soon as the first item shows: the group may still be reading from storage.
		expect(await searchFor(page, 'quincunxial', rare)).toEqual([`title-${rare}`]);
		expect(await searchFor(page, 'palimpsest', other)).toEqual([`title-${other}`]);
		expect(await searchFor(page, 'quincunxeal', rare)).toEqual([`title-${rare}`]);
		// The address follows the answer, one history entry a search: back shows the search before.
		await page.waitForURL(/[?&]q=quincunxeal$/, { timeout: 10_000 });
		await page.goBack();
		await page.waitForURL(/[?&]q=palimpsest$/, { timeout: 10_000 });
		await page.locator(`article.item[aria-labelledby="title-${other}"]`).waitFor({ timeout: 30_000 });
		await page.goForward();
		await page.waitForURL(/[?&]q=quincunxeal$/, { timeout: 10_000 });
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('matching “quincunxeal”');
		await statusSays(page, /^Offline/, 30_000);
		// The group is as the engine saved it: the page gave it no item.
		await eventually(() => page.evaluate(() => performance.getEntriesByName('commonplace:search-held').length === 1), 30_000, 200);
		expect(await page.evaluate(() => performance.getEntriesByName('commonplace:search-given-all').length)).toBe(0);

		// What is added after the reload is found too.
		await page.goto(`${e2e.relay.url}/g/${groupId}/new`);
		await page.locator('#new-url').fill('https://example.org/added-offline');
		await page.locator('#new-title').fill('Added while offline: zanzibarpills');
		await page.getByRole('button', { name: 'Save item' }).click();
		await page.waitForURL(/\/i\/[^/]+$/);
		const added = new URL(page.url()).pathname.split('/')[4];
		await page.goto(`${e2e.relay.url}/g/${groupId}`);
		await page.locator('article.item').first().waitFor({ timeout: 30_000 });
		expect(await searchFor(page, 'zanzibar', added)).toEqual([`title-${added}`]);
	});
});
