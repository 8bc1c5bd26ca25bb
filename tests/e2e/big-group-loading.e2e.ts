// A big group stored in this browser as one large update (as the relay sends a whole group) is read
// a slice at a time, cut in a worker, and ends whole: every item listed, the newest first. A log
// grown long is compacted in that worker too, and nothing in it is lost.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, createGroup, randomId } from '../../src/lib/model';
import { browsersOnRelay } from '../helpers/browsers-on-relay';
import { connectMember, eventually, newToken } from '../helpers/relay';
import { rememberGroup } from '../helpers/registry';
import { storedUpdateWriters } from '../helpers/update-log-page';
import { groupOfLongItems } from '../helpers/big-group';
import { groupTab, serviceWorkerReady } from '../helpers/workspace-page';

const e2e = browsersOnRelay();

const ITEMS = 300;

/**
 * The group on the relay (uploaded from `doc`) and in a fresh browser's update log as `entries`,
 * each settled, as the app stores them; the page is on the workspace, the group remembered.
 */
async function storedInBrowser(groupId: string, token: string, doc: Y.Doc, entries: Uint8Array[]) {
	const uploader = connectMember(e2e.relay.wsUrl, groupId, { token, create: true, doc });
	await eventually(() => uploader.provider.synced);
	const page = await e2e.person();
	await page.goto(`${e2e.relay.url}/`);
	await page.locator('#group-name').waitFor();
	await rememberGroup(page, groupId, token, 'owner');
	await page.evaluate(
		({ groupId, entries }) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('commonplace-updates');
				open.onupgradeneeded = () => open.result.createObjectStore('updates');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction('updates', 'readwrite');
					entries.forEach((base64, i) => {
						const update = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
						tx.objectStore('updates').put({ update, waiting: false }, [groupId, 'seeded', i + 1]);
					});
					tx.oncomplete = () => resolve();
					tx.onerror = () => reject(tx.error);
				};
			}),
		{ groupId, entries: entries.map((u) => Buffer.from(u).toString('base64')) }
	);
	return { page, uploader };
}

describe('a big group in browser storage', () => {
	it('is read in slices cut in a worker, and every item is there', async () => {
		const groupId = randomId();
		const token = newToken();
		const doc = groupOfLongItems(ITEMS, { name: 'A big group' });
		const update = Y.encodeStateAsUpdate(doc);
		expect(update.length).toBeGreaterThan(600 * 1024);
		// The relay holds the group too, so the page finds nothing new there; the browser holds it as
		// the app stores it: one settled entry in its update log.
		const { page, uploader } = await storedInBrowser(groupId, token, doc, [update]);

		const workers: string[] = [];
		page.on('worker', (worker) => workers.push(worker.url()));
		await page.goto(`${e2e.relay.url}/g/${groupId}`);
		// The relay's cover may show the first page before the stored group is read: editing opens
		// only once it is read whole.
		await groupTab(page, 'Add an item').waitFor({ timeout: 60_000 });
		await page.locator('.pager .count', { hasText: `of ${ITEMS}` }).first().waitFor({ timeout: 60_000 });
		await page.locator('article.item').first().waitFor();
		expect(await page.locator('article.item h2').first().textContent()).toContain(`Page number ${ITEMS - 1}`);
		expect(workers.some((url) => url.includes('slice.worker'))).toBe(true);
		uploader.destroy();
	});

	it('compacts a long log in the worker, keeping every change', async () => {
		const groupId = randomId();
		const token = newToken();
		// The group as 120 small settled entries, one per item, as a long-used browser keeps it.
		const doc = new Y.Doc();
		const actor = { memberId: 'ann' };
		createGroup(doc, actor, { name: 'A long log' });
		const entries = [Y.encodeStateAsUpdate(doc)];
		for (let i = 0; i < 120; i++) {
			const before = Y.encodeStateVector(doc);
			addItem(doc, actor, { url: `https://example.org/${i}`, title: `Page number ${i}` });
			entries.push(Y.encodeStateAsUpdate(doc, before));
		}
		const { page, uploader } = await storedInBrowser(groupId, token, doc, entries);
		await page.goto(`${e2e.relay.url}/g/${groupId}`);
		await page.locator('.pager .count', { hasText: 'of 120' }).first().waitFor({ timeout: 60_000 });
		// Another member's item arrives: stored, it makes the log long enough to compact.
		addItem(uploader.doc, { memberId: 'bob' }, { url: 'https://example.org/late', title: 'Arrived later' });
		await page.locator('.pager .count', { hasText: 'of 121' }).first().waitFor({ timeout: 30_000 });
		await eventually(() => page.evaluate(() => performance.getEntriesByName('commonplace:compacted-in-worker').length > 0), 30_000, 200);
		const stored = await storedUpdateWriters(page, groupId);
		expect(stored.length).toBeLessThan(10);
		expect(stored).not.toContain('seeded');
		// Read again from what is stored, with no relay to fill gaps: every item is there.
		await serviceWorkerReady(page);
		uploader.destroy();
		await page.context().setOffline(true);
		await page.reload();
		await page.locator('.pager .count', { hasText: 'of 121' }).first().waitFor({ timeout: 60_000 });
		expect(await page.locator('article.item h2').first().textContent()).toContain('Arrived later');
	});
});
