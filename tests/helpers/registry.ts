// Reads and writes the app's registry of groups in a browser page's IndexedDB, as the join page
// would, for tests and benchmarks that need a member's token or want to skip the join page.
import type { Page } from 'playwright-core';

const DATABASE = 'commonplace-registry';
const STORE = 'registry';

function readKey<T>(page: Page, key: string): Promise<T> {
	return page.evaluate(
		({ database, store, key }) =>
			new Promise<T>((resolve, reject) => {
				const open = indexedDB.open(database);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction(store).objectStore(store).get(key);
					get.onsuccess = () => resolve(get.result as T);
					get.onerror = () => reject(get.error);
				};
			}),
		{ database: DATABASE, store: STORE, key }
	);
}

/** The token this browser holds for a group. */
export async function tokenOf(page: Page, groupId: string): Promise<string> {
	return (await readKey<{ token: string }>(page, `group:${groupId}`)).token;
}

/** This browser's member id. */
export async function memberIdOf(page: Page): Promise<string> {
	return (await readKey<{ memberId: string }>(page, '~profile')).memberId;
}

/** Puts a group and its token in this browser's registry, as the join page does (the page must have opened the registry). */
export async function rememberGroup(page: Page, groupId: string, token: string, role: 'owner' | 'editor' | 'viewer' = 'editor'): Promise<void> {
	await page.evaluate(
		({ database, store, groupId, token, role }) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open(database);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction(store, 'readwrite');
					const now = Date.now();
					tx.objectStore(store).put({ groupId, token, role, name: '', unregistered: false, addedAt: now, lastOpenedAt: now }, `group:${groupId}`);
					tx.oncomplete = () => resolve();
					tx.onerror = () => reject(tx.error);
				};
			}),
		{ database: DATABASE, store: STORE, groupId, token, role }
	);
}

/** Changes fields of a group this browser holds, as an older version of the app might have left it (undefined removes a field). */
export async function patchStoredGroup(page: Page, groupId: string, patch: Record<string, unknown>): Promise<void> {
	await page.evaluate(
		({ database, store, key, patch }) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open(database);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction(store, 'readwrite');
					const records = tx.objectStore(store);
					const get = records.get(key);
					get.onsuccess = () => {
						const next = { ...get.result };
						for (const [field, value] of Object.entries(patch)) {
							if (value === undefined) delete next[field];
							else next[field] = value;
						}
						records.put(next, key);
					};
					tx.oncomplete = () => resolve();
					tx.onerror = () => reject(tx.error);
				};
			}),
		{ database: DATABASE, store: STORE, key: `group:${groupId}`, patch }
	);
}

/** The record this browser keeps for a group (its token, role, name, marks). */
export async function storedGroupOf(page: Page, groupId: string): Promise<Record<string, unknown>> {
	return readKey<Record<string, unknown>>(page, `group:${groupId}`);
}
