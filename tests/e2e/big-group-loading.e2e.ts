// A big group stored in this browser as one large update (as the relay sends a whole group) is read
// a slice at a time, cut in a worker, and ends whole: every item listed, the newest first.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { randomId } from '../../src/lib/model';
import { browsersOnRelay } from '../helpers/browsers-on-relay';
import { connectMember, eventually, newToken } from '../helpers/relay';
import { rememberGroup } from '../helpers/registry';
import { groupOfLongItems } from '../helpers/big-group';
import { groupTab } from '../helpers/workspace-page';

const e2e = browsersOnRelay();

const ITEMS = 300;

describe('a big group in browser storage', () => {
	it('is read in slices cut in a worker, and every item is there', async () => {
		const groupId = randomId();
		const token = newToken();
		const doc = groupOfLongItems(ITEMS, { name: 'A big group' });
		const update = Y.encodeStateAsUpdate(doc);
		expect(update.length).toBeGreaterThan(600 * 1024);
		// The relay holds the group too, so the page finds nothing new there.
		const uploader = connectMember(e2e.relay.wsUrl, groupId, { token, create: true, doc });
		await eventually(() => uploader.provider.synced);

		const page = await e2e.person();
		await page.goto(`${e2e.relay.url}/`);
		await page.locator('#group-name').waitFor();
		await rememberGroup(page, groupId, token, 'owner');
		// The group as the app stores it: one settled entry in its update log.
		await page.evaluate(
			({ groupId, base64 }) =>
				new Promise<void>((resolve, reject) => {
					const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
					const open = indexedDB.open('commonplace-updates');
					open.onupgradeneeded = () => open.result.createObjectStore('updates');
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const tx = open.result.transaction('updates', 'readwrite');
						tx.objectStore('updates').put({ update: bytes, waiting: false }, [groupId, 'seeded', 1]);
						tx.oncomplete = () => resolve();
						tx.onerror = () => reject(tx.error);
					};
				}),
			{ groupId, base64: Buffer.from(update).toString('base64') }
		);

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
});
