// Views of a group kept beside its update log, so a page can show the group before the log is read
// and applied: the cover (the first page of items, newest first, with the counts per tag and member)
// and the search engine (its serialized index and the live items). Both are derived from the document and rewritten as it changes;
// losing them costs time, never data. On IndexedDB (database `commonplace-views`), or in memory.
import { createStore, del, delMany, get, getMany, set, setMany, type UseStore } from 'idb-keyval';
import type { GroupCover, Item } from '$lib/model';
import type { ItemStore, SavedSearchState } from '$lib/search/search-engine';

/** What the group page shows before the document is loaded (computed by the model, `cover.ts`). */
export type { GroupCover };

/**
 * The search engine as its worker keeps it (search/search-engine.ts): the index as flat arrays (its
 * words and the items holding each), a fingerprint of what each item held when indexed and when
 * stored (the items themselves are in `createIdbItemStore`, one record each).
 */
export interface SavedSearch extends SavedSearchState {
	/** 4 since the stored items' fingerprints are kept as two arrays (3: as an object; before, MiniSearch's JSON); an older one is ignored. */
	version: 4;
}

export interface GroupViews {
	loadCover(groupId: string): Promise<GroupCover | null>;
	saveCover(groupId: string, cover: GroupCover): Promise<void>;
	loadSearch(groupId: string): Promise<SavedSearch | null>;
	saveSearch(groupId: string, search: SavedSearch): Promise<void>;
	remove(groupId: string): Promise<void>;
}

let sharedStore: UseStore | null = null;

/** The views on IndexedDB. Failures read as "no view" (the page then waits for the document). */
export function createIdbGroupViews(): GroupViews {
	const store = () => (sharedStore ??= createStore('commonplace-views', 'views'));
	const read = async <T extends { version: number }>(key: string, version: T['version']): Promise<T | null> => {
		try {
			const value = (await get(key, store())) as T | undefined;
			return value && value.version === version ? value : null;
		} catch {
			return null;
		}
	};
	const write = async (key: string, value: unknown) => {
		try {
			await set(key, value, store());
		} catch {
			// A view is only a shortcut: the next change writes it again.
		}
	};
	return {
		loadCover: (groupId) => read<GroupCover>(`cover:${groupId}`, 1),
		saveCover: (groupId, cover) => write(`cover:${groupId}`, cover),
		loadSearch: (groupId) => read<SavedSearch>(`search:${groupId}`, 4),
		saveSearch: (groupId, search) => write(`search:${groupId}`, search),
		async remove(groupId) {
			await Promise.all([del(`cover:${groupId}`, store()), del(`search:${groupId}`, store())]).catch(() => {});
			await removeStoredItems(groupId).catch(() => {});
		}
	};
}

let itemsStore: UseStore | null = null;
const items = () => (itemsStore ??= createStore('commonplace-view-items', 'items'));

/** The live items of a group as its search engine keeps them, one record each (database `commonplace-view-items`). */
export function createIdbItemStore(groupId: string): ItemStore {
	const range = IDBKeyRange.bound([groupId], [groupId, []]);
	return {
		put: (list) => setMany(list.map((item) => [[groupId, item.id], item]), items()),
		remove: (ids) => delMany(ids.map((id) => [groupId, id]), items()),
		get: async (ids) => ((await getMany<Item>(ids.map((id) => [groupId, id]), items())).filter(Boolean) as Item[]),
		all: () => items()('readonly', (os) => new Promise<Item[]>((resolve, reject) => {
			const request = os.getAll(range);
			request.onsuccess = () => resolve(request.result as Item[]);
			request.onerror = () => reject(request.error);
		}))
	};
}

function removeStoredItems(groupId: string): Promise<void> {
	return items()('readwrite', (os) => new Promise<void>((resolve, reject) => {
		os.delete(IDBKeyRange.bound([groupId], [groupId, []]));
		os.transaction.oncomplete = () => resolve();
		os.transaction.onerror = () => reject(os.transaction.error);
	}));
}

/** The in-memory twin, for unit tests (copies in and out, like IndexedDB). */
export function createMemoryGroupViews(): GroupViews {
	const values = new Map<string, unknown>();
	const read = async <T>(key: string): Promise<T | null> => {
		const value = values.get(key);
		return value === undefined ? null : (structuredClone(value) as T);
	};
	return {
		loadCover: (groupId) => read<GroupCover>(`cover:${groupId}`),
		saveCover: async (groupId, cover) => void values.set(`cover:${groupId}`, structuredClone(cover)),
		loadSearch: (groupId) => read<SavedSearch>(`search:${groupId}`),
		saveSearch: async (groupId, search) => void values.set(`search:${groupId}`, structuredClone(search)),
		async remove(groupId) {
			values.delete(`cover:${groupId}`);
			values.delete(`search:${groupId}`);
		}
	};
}
