// A group's search engine in a dedicated worker: it reads the engine saved last time from IndexedDB
// as soon as the group opens, answers searches and listings, takes the page's changes, and writes
// itself back a while after it last changed — none of it on the page's thread.
import { serve } from '$lib/workers/rpc';
import { createIdbGroupViews, createIdbItemStore } from '$lib/storage/group-views';
import type { Item, ListQuery } from '$lib/model';
import { SearchEngine } from './search-engine';

/** Written this long after the last change (a whole group given is written sooner). */
const SAVE_AFTER_MS = 2_000;
const SAVE_AFTER_SYNC_MS = 300;

const views = createIdbGroupViews();
let engine = new SearchEngine(createIdbItemStore(''));
let groupId = '';
let saveTimer: ReturnType<typeof setTimeout> | undefined;

function saveLater(afterMs = SAVE_AFTER_MS): void {
	if (!engine.changed || !groupId) return;
	clearTimeout(saveTimer);
	saveTimer = setTimeout(() => void save(), afterMs);
}

async function save(): Promise<void> {
	clearTimeout(saveTimer);
	if (!engine.changed || !groupId || !engine.ready) return;
	const state = engine.save();
	await engine.written();
	await views.saveSearch(groupId, { version: 4, ...state });
}

export const handlers = {
	/** Loads what was saved for the group; true when there was something. */
	async open(id: string): Promise<boolean> {
		groupId = id;
		engine = new SearchEngine(createIdbItemStore(id));
		const saved = await views.loadSearch(id);
		if (!saved || !engine.load(saved)) return false;
		// A first search in a fresh worker runs cold (25–40 ms); one made here, where no one waits, warms it.
		engine.search('warmup');
		return true;
	},
	update(items: Item[], gone: string[]): void {
		engine.update(items, gone);
		saveLater();
	},
	syncStart: () => engine.syncStart(),
	syncItems: (items: Item[]) => engine.syncItems(items),
	syncEnd(): number {
		const changed = engine.syncEnd();
		saveLater(SAVE_AFTER_SYNC_MS);
		return changed;
	},
	holds: (state: Uint8Array) => engine.holds(state),
	mark(state: Uint8Array): void {
		engine.mark(state);
		saveLater(SAVE_AFTER_SYNC_MS);
	},
	search: (text: string) => engine.search(text),
	page: (query: ListQuery) => engine.page(query),
	ready: () => engine.ready,
	/** Writes what is not saved yet now (the page is closing). */
	save
};

serve(handlers, self as unknown as Parameters<typeof serve>[1]);
