// Views of a group kept beside its update log, so a page can show the group before the log is read
// and applied: the cover (the first page of items, newest first, with the counts per tag and member)
// and the serialized search index. Both are derived from the document and rewritten as it changes;
// losing them costs time, never data. On IndexedDB (database `commonplace-views`), or in memory.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { GroupInfo, Item, Member, MemberCount, TagCount } from '$lib/model';

/** What the group page shows before the document is loaded. */
export interface GroupCover {
	/** Bumped when the shape changes; an older cover is ignored. */
	version: 1;
	info: GroupInfo;
	exists: boolean;
	members: Member[];
	liveItemCount: number;
	lastActivity: number;
	tagCounts: TagCount[];
	memberCounts: MemberCount[];
	/** The newest live items, enough for the largest first page. */
	newest: Item[];
}

/** The search index as MiniSearch serializes it, with a fingerprint of what each item held when indexed. */
export interface SavedSearch {
	version: 1;
	index: string;
	prints: Record<string, number>;
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
	const read = async <T extends { version: number }>(key: string): Promise<T | null> => {
		try {
			const value = (await get(key, store())) as T | undefined;
			return value && value.version === 1 ? value : null;
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
		loadCover: (groupId) => read<GroupCover>(`cover:${groupId}`),
		saveCover: (groupId, cover) => write(`cover:${groupId}`, cover),
		loadSearch: (groupId) => read<SavedSearch>(`search:${groupId}`),
		saveSearch: (groupId, search) => write(`search:${groupId}`, search),
		async remove(groupId) {
			await Promise.all([del(`cover:${groupId}`, store()), del(`search:${groupId}`, store())]).catch(() => {});
		}
	};
}

/** The in-memory twin, for unit tests (copies in and out, like IndexedDB). */
export function createMemoryGroupViews(): GroupViews {
	const values = new Map<string, string>();
	const read = async <T>(key: string): Promise<T | null> => {
		const value = values.get(key);
		return value === undefined ? null : (JSON.parse(value) as T);
	};
	return {
		loadCover: (groupId) => read<GroupCover>(`cover:${groupId}`),
		saveCover: async (groupId, cover) => void values.set(`cover:${groupId}`, JSON.stringify(cover)),
		loadSearch: (groupId) => read<SavedSearch>(`search:${groupId}`),
		saveSearch: async (groupId, search) => void values.set(`search:${groupId}`, JSON.stringify(search)),
		async remove(groupId) {
			values.delete(`cover:${groupId}`);
			values.delete(`search:${groupId}`);
		}
	};
}
