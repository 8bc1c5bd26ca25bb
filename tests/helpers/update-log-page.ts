// Reads the app's update log in a browser page's IndexedDB (database `commonplace-updates`), for
// tests and benchmarks that check what a browser keeps of a group.
import type { Page } from 'playwright-core';

/** Bytes of the group's updates in the log (an entry kept as a Blob counted by its size, not read). */
export function storedUpdateBytes(page: Page, groupId: string): Promise<number> {
	return page.evaluate(
		(groupId) =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('commonplace-updates');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('updates')) return resolve(0);
					const get = db.transaction('updates').objectStore('updates').getAll(IDBKeyRange.bound([groupId], [groupId, []]));
					get.onsuccess = () => resolve((get.result as { update: Uint8Array | Blob }[]).reduce((n, row) => n + (row.update instanceof Blob ? row.update.size : row.update.byteLength), 0));
					get.onerror = () => reject(get.error);
				};
			}),
		groupId
	);
}

/** The writers of the group's entries in the log, one per entry (`seeded` for those a test put there). */
export function storedUpdateWriters(page: Page, groupId: string): Promise<string[]> {
	return page.evaluate(
		(groupId) =>
			new Promise<string[]>((resolve, reject) => {
				const open = indexedDB.open('commonplace-updates');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction('updates').objectStore('updates').getAllKeys(IDBKeyRange.bound([groupId], [groupId, []]));
					get.onsuccess = () => resolve((get.result as [string, string, number][]).map((key) => key[1]));
					get.onerror = () => reject(get.error);
				};
			}),
		groupId
	);
}
