// Opening a group on a browser that has never held it: the first page shows from the relay's cover
// while the whole group downloads under a progress bar, editing waits for it, and then the group is
// whole, kept in this browser, and syncs live both ways.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Route } from 'playwright-core';
import { addItem, createGroup, randomId, readAllItems } from '../../src/lib/model';
import { browsersOnRelay } from '../helpers/browsers-on-relay';
import { connectMember, eventually, newToken } from '../helpers/relay';
import { rememberGroup } from '../helpers/registry';
import { storedUpdateBytes } from '../helpers/update-log-page';
import { groupOfLongItems } from '../helpers/big-group';
import { groupTab, statusSays } from '../helpers/workspace-page';

const e2e = browsersOnRelay();

const ITEMS = 300;
/** Items of the group that arrives by the connection alone. */
const MANY = 3_000;

/**
 * `doc` on the relay (its `items` items stored there) and a fresh browser that knows the group, as
 * an editor, and holds nothing of it; Ann stays connected.
 */
async function heldByRelayOnly(groupId: string, token: string, doc: Y.Doc, items: number) {
	const ann = connectMember(e2e.relay.wsUrl, groupId, { token, create: true, doc });
	await eventually(async () => {
		const held = await e2e.relay.relay.loadGroupDoc(groupId);
		return held !== null && readAllItems(held).length === items;
	}, 20_000);
	const page = await e2e.person();
	await page.goto(`${e2e.relay.url}/`);
	await page.locator('#group-name').waitFor();
	await rememberGroup(page, groupId, token, 'editor');
	return { ann, page };
}

describe('a group opened online on a new device', () => {
	it('shows its first page at once and a progress bar while the rest arrives, then the whole group, live', async () => {
		const groupId = randomId();
		const token = newToken();
		const doc = groupOfLongItems(ITEMS, { name: 'Arrives from the relay', member: { name: 'Ann', color: '#3366cc' } }, groupId);
		expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(600 * 1024);
		const { ann, page } = await heldByRelayOnly(groupId, token, doc, ITEMS);
		try {
			// The download is held until the first page and the progress bar have been seen.
			let release = () => {};
			const held = new Promise<void>((resolve) => (release = resolve));
			let downloads = 0;
			await page.route('**/api/groups/*/state', async (route: Route) => {
				downloads++;
				await held;
				await route.continue();
			});
			await page.goto(`${e2e.relay.url}/g/${groupId}`);
			await page.locator('article.item h2').first().waitFor({ timeout: 20_000 });
			expect(await page.locator('article.item h2').first().textContent()).toContain(`Page number ${ITEMS - 1}`);
			await page.locator('.pager .count', { hasText: `of ${ITEMS}` }).first().waitFor();
			const arriving = page.getByRole('status').filter({ hasText: 'Receiving the group from the relay' });
			await arriving.waitFor();
			expect(await arriving.locator('progress').count()).toBe(1);
			await expect.poll(() => arriving.textContent()).toContain('Adding and editing open once all of it is here.');
			// Editing waits for the whole group: writing into a part of it could make again what it does not see yet.
			expect(await groupTab(page, 'Add an item').count()).toBe(0);
			expect(downloads).toBe(1);

			release();
			await statusSays(page, /Up to date/, 30_000);
			await arriving.waitFor({ state: 'detached' });
			await groupTab(page, 'Add an item').waitFor();
			await page.locator('.pager .count', { hasText: `of ${ITEMS}` }).first().waitFor();

			// Kept in this browser: the group's update log holds it.
			const stored = await storedUpdateBytes(page, groupId);
			expect(stored).toBeGreaterThan(600 * 1024);

			// Live both ways: Ann's new item appears here, and one saved here reaches Ann.
			addItem(doc, { memberId: 'ann' }, { url: 'https://example.org/live', title: 'Added while you watched' });
			await page.locator('article.item h2', { hasText: 'Added while you watched' }).waitFor({ timeout: 20_000 });
			await groupTab(page, 'Add an item').click();
			await page.locator('#new-url').fill('https://example.org/from-the-new-device');
			await page.locator('#new-title').fill('Saved on the new device');
			await page.getByRole('button', { name: 'Save item' }).click();
			await eventually(() => readAllItems(doc).some((item) => item.title === 'Saved on the new device'), 20_000);
			// The whole group came once, over HTTP; the connection brought only what changed.
			expect(downloads).toBe(1);
		} finally {
			ann.destroy();
		}
	});

	it('when the download fails, takes the whole group from the relay\'s first answer, a slice at a time', async () => {
		const groupId = randomId();
		const token = newToken();
		// Many small items: more structs than one slice holds.
		const doc = new Y.Doc({ guid: groupId });
		const actor = { memberId: 'ann' };
		createGroup(doc, actor, { name: 'Arrives by the connection' });
		for (let i = 0; i < MANY; i++) addItem(doc, actor, { url: `https://example.org/${i}`, title: `Page number ${i}`, tags: `tag${i % 7}` });
		const { ann, page } = await heldByRelayOnly(groupId, token, doc, MANY);
		try {
			await page.route('**/api/groups/*/state', (route: Route) => route.abort());
			await page.goto(`${e2e.relay.url}/g/${groupId}`);
			await statusSays(page, /Up to date/, 30_000);
			await page.locator('.pager .count', { hasText: `of ${MANY}` }).first().waitFor({ timeout: 30_000 });
			const sliced = await page.evaluate(() =>
				performance.getEntriesByName('commonplace:relay-change-sliced').map((m) => (m as PerformanceMark).detail as { bytes: number; slices: number })
			);
			expect(sliced.length).toBeGreaterThan(0);
			expect(sliced[0].bytes).toBeGreaterThan(64 * 1024);
			expect(sliced[0].slices).toBeGreaterThan(1);
		} finally {
			ann.destroy();
		}
	});

	it('with a token the relay does not accept, says so at once and asks the relay only once', async () => {
		const groupId = randomId();
		const token = newToken();
		const doc = groupOfLongItems(3, { name: 'Not for this link', member: { name: 'Ann', color: '#3366cc' } }, groupId);
		const ann = connectMember(e2e.relay.wsUrl, groupId, { token, create: true, doc });
		await eventually(async () => (await e2e.relay.relay.loadGroupDoc(groupId)) !== null, 20_000);

		const page = await e2e.person();
		try {
			await page.goto(`${e2e.relay.url}/`);
			await page.locator('#group-name').waitFor();
			await rememberGroup(page, groupId, newToken(), 'editor');
			// Every ask with a bad token counts towards the relay slowing down and then blocking this address.
			const asked: string[] = [];
			page.on('request', (request) => {
				const path = new URL(request.url()).pathname;
				if (path.startsWith('/api/') || path.startsWith('/sync/')) asked.push(path.replace(groupId, '<group>'));
			});
			page.on('websocket', (socket) => asked.push(new URL(socket.url()).pathname.replace(groupId, '<group>')));
			await page.goto(`${e2e.relay.url}/g/${groupId}`);
			// In the relay's own words, with what it means for this browser.
			await page.locator('.sync-status', { hasText: 'This link is not valid for this group.' }).waitFor({ timeout: 20_000 });
			await page.getByText('Nothing of this group is in this browser yet, and it cannot arrive until the problem above is solved.').waitFor();
			// Long enough for a download, a connection and its retries to have started.
			await page.waitForTimeout(3_000);
			expect(asked).toEqual(['/api/groups/<group>/cover']);
			expect(await page.locator('article.item').count()).toBe(0);
		} finally {
			ann.destroy();
		}
	});
});
