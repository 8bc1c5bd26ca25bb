// What answers a group's searches, wherever it runs (a worker on the page, in-process in tests): the
// search index, kept current from the page's changes and saved, and beside it a store of the live
// items (one record each), so it can answer a whole listing — a search typed while the group is
// still being read from storage — without the document, reading only the items it lists.
import { narrowingTags, queryItems, type Item, type ItemPage, type ListQuery, type TagCount } from '$lib/model';
import { SearchIndex, type SavedSearchIndex } from './search-index';

/** A listing the engine answered, with the tags that narrow it (as the group's state gives them for a listing it reads itself). */
export interface EngineListing extends ItemPage {
	tags: TagCount[];
}

/** Where the engine keeps the live items, one record each (IndexedDB in the worker, a Map in tests). */
export interface ItemStore {
	put(items: Item[]): Promise<void>;
	remove(ids: string[]): Promise<void>;
	/** The items of `ids` that are there. */
	get(ids: string[]): Promise<Item[]>;
	/** Every item kept (a listing with no text needs them all). */
	all(): Promise<Item[]>;
}

/** The engine as kept on disk: the index with each item's fingerprint, and one of each whole stored item. */
export interface SavedSearchState extends SavedSearchIndex {
	/** The items in the store, and what each looked like when written (an object of 10,000 keys took IndexedDB 15–40 ms to read back; two arrays take 1). */
	storedIds: string[];
	storedPrints: Uint32Array;
	/** The state of the document the engine held every change of (see `mark`), or null when not known. */
	state?: Uint8Array | null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** FNV-1a of an item as stored, to tell which items changed since they were written. */
function itemPrint(item: Item): number {
	const text = JSON.stringify(item);
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

export class SearchEngine {
	#index = new SearchIndex();
	readonly #store: ItemStore;
	/** What each stored item looked like when written (built from `#storedSaved` at the first change). */
	#stored = new Map<string, number>();
	#storedSaved: Pick<SavedSearchState, 'storedIds' | 'storedPrints'> | null = null;
	#reconciling: ReturnType<SearchIndex['reconcile']> | null = null;
	#seen = new Set<string>();
	/** With no index yet, the items are gathered and indexed in one go at the end (much quicker). */
	#gathered: Item[] | null = null;
	#writes: Promise<unknown> = Promise.resolve();
	/** The state of the document the engine holds every change of, as the page last said; null after any change since. */
	#state: Uint8Array | null = null;
	/** True while the engine holds what it had not saved yet. */
	changed = false;

	constructor(store: ItemStore) {
		this.#store = store;
	}

	/** Takes what was saved last time; false when it cannot be read (the engine stays empty). */
	load(saved: SavedSearchState): boolean {
		const { storedIds, storedPrints } = saved ?? ({} as Partial<SavedSearchState>);
		if (!Array.isArray(storedIds) || !(storedPrints instanceof Uint32Array) || storedIds.length !== storedPrints.length) return false;
		if (!this.#index.load(saved)) return false;
		this.#stored = new Map();
		this.#storedSaved = { storedIds, storedPrints };
		this.#state = saved.state instanceof Uint8Array ? saved.state : null;
		return true;
	}

	/**
	 * True when the engine holds every change of the document in exactly `state` (what it loaded was
	 * saved then, and nothing came since): the page need not give it every item again.
	 */
	holds(state: Uint8Array): boolean {
		return this.ready && this.#state !== null && sameBytes(this.#state, state);
	}

	/** True while the engine knows which state of the document it holds (see `mark`). */
	get marked(): boolean {
		return this.#state !== null;
	}

	/** The page has given the engine every change up to `state` of the document (kept with the next save). */
	mark(state: Uint8Array): void {
		if (this.#state && sameBytes(this.#state, state)) return;
		this.#state = state;
		this.changed = true;
	}

	/** True once the engine holds the group (loaded from disk or given every item). */
	get ready(): boolean {
		return this.#index.ready;
	}

	/** Starts taking every item anew (after the document is loaded): parts with `syncItems`, then `syncEnd`. */
	syncStart(): void {
		this.#state = null;
		this.#seen = new Set();
		if (this.#index.ready) {
			this.#reconciling = this.#index.reconcile();
			this.#gathered = null;
		} else {
			this.#reconciling = null;
			this.#gathered = [];
		}
	}

	syncItems(items: Item[]): void {
		if (!this.#reconciling && !this.#gathered) this.syncStart();
		const live = items.filter((item) => item.deletedAt === null);
		for (const item of live) this.#seen.add(item.id);
		this.#keep(live);
		if (this.#gathered) this.#gathered.push(...live);
		else if (this.#reconciling!.add(live) > 0) this.changed = true;
	}

	/** Drops what was not given since `syncStart`; returns how many items were indexed again or dropped. */
	syncEnd(): number {
		this.#drop([...this.#storedMap().keys()].filter((id) => !this.#seen.has(id)));
		if (this.#gathered) {
			this.#index.rebuild(this.#gathered);
			this.#gathered = null;
			this.changed = true;
			return this.#index.size;
		}
		const pass = this.#reconciling ?? this.#index.reconcile();
		this.#reconciling = null;
		const changed = pass.end();
		if (changed > 0) this.changed = true;
		return changed;
	}

	/** Items that changed (deleted ones are dropped) and ids of items that are gone. */
	update(items: Item[], gone: string[]): void {
		this.#state = null;
		const byId = new Map(items.map((item) => [item.id, item]));
		this.#keep(items.filter((item) => item.deletedAt === null));
		this.#drop([...items.filter((item) => item.deletedAt !== null).map((item) => item.id), ...gone]);
		this.#index.update([...byId.keys(), ...gone], (id) => byId.get(id) ?? null);
		this.changed = true;
	}

	/** Ids of the live items matching every word of `text`. */
	search(text: string): string[] {
		return [...this.#index.search(text)];
	}

	/** One page of a listing of the live items, `text` answered by the index and the items read from the store. */
	async page(query: ListQuery): Promise<EngineListing> {
		await this.#writes;
		const text = query.text?.trim();
		const ids = text ? this.#index.search(text) : undefined;
		const items = ids ? await this.#store.get([...ids]) : await this.#store.all();
		const listed = { ...query, text, trash: false };
		return { ...queryItems(items, listed, ids), tags: narrowingTags(items, listed, ids) };
	}

	/** The index and the fingerprints, as kept on disk (the items are in the store already). */
	save(): SavedSearchState {
		this.changed = false;
		const stored = this.#storedSaved ?? { storedIds: [...this.#stored.keys()], storedPrints: Uint32Array.from(this.#stored.values()) };
		return { ...this.#index.save(), ...stored, state: this.#state };
	}

	/** Resolves once every item given so far is in the store. */
	written(): Promise<unknown> {
		return this.#writes;
	}

	/** The stored items' fingerprints as a map, built from the saved arrays before the first change. */
	#storedMap(): Map<string, number> {
		const saved = this.#storedSaved;
		if (saved) {
			this.#storedSaved = null;
			saved.storedIds.forEach((id, i) => this.#stored.set(id, saved.storedPrints[i]));
		}
		return this.#stored;
	}

	#keep(items: Item[]): void {
		const stored = this.#storedMap();
		const changed = items.filter((item) => {
			const print = itemPrint(item);
			if (stored.get(item.id) === print) return false;
			stored.set(item.id, print);
			return true;
		});
		if (changed.length) this.#write(() => this.#store.put(changed));
	}

	#drop(ids: string[]): void {
		const stored = this.#storedMap();
		const known = ids.filter((id) => stored.delete(id));
		if (known.length) this.#write(() => this.#store.remove(known));
	}

	#write(step: () => Promise<void>): void {
		// In order, and a failed write only costs a stale item in a listing before the group is read.
		this.#writes = this.#writes.then(step).catch(() => {});
		this.changed = true;
	}
}

/** Items in memory, for tests and where there is no IndexedDB. */
export function createMemoryItemStore(): ItemStore {
	const items = new Map<string, string>();
	return {
		async put(list) {
			for (const item of list) items.set(item.id, JSON.stringify(item));
		},
		async remove(ids) {
			for (const id of ids) items.delete(id);
		},
		async get(ids) {
			return ids.flatMap((id) => {
				const json = items.get(id);
				return json ? [JSON.parse(json) as Item] : [];
			});
		},
		async all() {
			return [...items.values()].map((json) => JSON.parse(json) as Item);
		}
	};
}
