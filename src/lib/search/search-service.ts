// How the group's state asks its search engine (search-engine.ts): in a dedicated worker on the page,
// in-process in tests and where there are no workers. Every answer is a promise either way.
import type { Item, ListQuery } from '$lib/model';
import { connect } from '$lib/workers/rpc';
import { createMemoryItemStore, SearchEngine, type EngineListing } from './search-engine';
import type { handlers } from './search.worker';

export interface SearchService {
	/** Items that changed (deleted ones included) and ids of items that are gone. */
	update(items: Item[], gone: string[]): void;
	/** Every item of the loaded document, so the engine drops or re-indexes what changed since it was saved. */
	sync(items: readonly Item[]): Promise<void>;
	/**
	 * Whether the engine loaded what it saved when the document was in exactly this state (see
	 * `documentState`), with nothing changed since: then `sync` is not needed.
	 */
	holds(state: Uint8Array): Promise<boolean>;
	/** False when `holds` cannot be true (nothing was kept or told), so `sync` need not wait to ask it. */
	readonly mayHold: boolean;
	/** The engine has been given every change up to this state of the document (kept with what it saves). */
	mark(state: Uint8Array): void;
	/** Ids of the live items matching every word of `text`. */
	search(text: string): Promise<string[]>;
	/** A listing answered from the items kept with the index (before the document is loaded). */
	page(query: ListQuery): Promise<EngineListing>;
	close(): void;
}

/** Items per message when the whole group is given: each part is copied to the worker in a few ms (1,000 took 50–100). */
const SYNC_PART = 250;

/**
 * The engine in a worker, which loads the group's saved engine once `after` settles (the first page
 * is drawn first: on a small machine both compete for the same cores); null where there are no workers.
 */
export function createWorkerSearch(groupId: string, after: Promise<unknown> = Promise.resolve()): SearchService | null {
	if (typeof Worker === 'undefined') return null;
	const remote = connect<typeof handlers>(new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' }));
	const quiet = (promise: Promise<unknown>) => void promise.catch(() => {});
	const sent = after.catch(() => {}).then(() => quiet(remote.call('open', groupId)));
	// Every call goes after the opening, in the order made.
	const call: typeof remote.call = (name, ...args) => sent.then(() => remote.call(name, ...args));
	const onHide = () => quiet(call('save'));
	globalThis.addEventListener?.('pagehide', onHide);
	return {
		update: (items, gone) => quiet(call('update', items, gone)),
		async sync(items) {
			quiet(call('syncStart'));
			for (let i = 0; i < items.length; i += SYNC_PART) {
				quiet(call('syncItems', items.slice(i, i + SYNC_PART)));
				// Each part is copied on this thread: let the page draw between them.
				await new Promise((resolve) => setTimeout(resolve, 0));
			}
			await call('syncEnd');
		},
		holds: (state) => call('holds', state),
		mayHold: true,
		mark: (state) => quiet(call('mark', state)),
		search: (text) => call('search', text),
		page: (query) => call('page', query),
		close() {
			globalThis.removeEventListener?.('pagehide', onHide);
			// What is not saved yet is written before the worker goes.
			void call('save').finally(() => remote.close());
		}
	};
}

/** The engine on this thread (tests, and browsers without workers); nothing is kept on disk. */
export function createLocalSearch(): SearchService {
	const engine = new SearchEngine(createMemoryItemStore());
	return {
		update: (items, gone) => engine.update(items, gone),
		async sync(items) {
			engine.syncStart();
			engine.syncItems([...items]);
			engine.syncEnd();
		},
		holds: async (state) => engine.holds(state),
		get mayHold() {
			return engine.marked;
		},
		mark: (state) => engine.mark(state),
		search: async (text) => engine.search(text),
		page: (query) => engine.page(query),
		close() {}
	};
}
