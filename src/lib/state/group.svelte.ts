// The reactive view of one group for the pages: snapshots of the document that refresh when it
// changes (locally or from the relay), and every write, made as the member using this browser.
import type * as Y from 'yjs';
import {
	restoreItemVersion,
	type ItemVersion,
	addHighlight,
	addItem,
	addNote,
	bookkeepingOrigin,
	countMembers,
	countTags,
	savedCounts,
	visibleItems,
	countView,
	narrowingTags,
	deleteHighlight,
	deleteItem,
	deleteNote,
	editHighlight,
	editItem,
	editNote,
	fillPageDetails,
	itemIdForUrl,
	legacyItemIdForUrl,
	LIMITS,
	ModelError,
	parseTagList,
	listTrash,
	queryItems,
	queryTags,
	readAllItems,
	readAllItemsInSteps,
	rereadItems,
	withReread,
	renameGroup,
	restoreHighlight,
	restoreItem,
	restoreNote,
	setMemberProfile,
	setTags,
	addReply,
	editReply,
	deleteReply,
	restoreReply,
	readAllReplies,
	replyTree,
	flag,
	unflag,
	setHidden,
	readFlags,
	readHidden,
	documentState,
	getGroupInfo,
	hasGroup,
	listMembers,
	visibleReplies,
	listFlagged,
	targetKey,
	type Flag,
	type FlaggedEntry,
	type HiddenState,
	type Reply,
	type ReplyNode,
	type ReplyParentKind,
	type Target,
	type Actor,
	type AddResult,
	type GroupInfo,
	type HighlightInput,
	type Item,
	type ItemEdit,
	type ItemInput,
	type ItemPage,
	type ListQuery,
	type Member,
	type MemberCount,
	type PageDetails,
	type TagCount,
	type TrashEntry,
	DEFAULT_PAGE_SIZE,
	coverOf,
	liveItemCount,
	lastActivity,
	type GroupCover
} from '$lib/model';
import type { GroupSession } from '$lib/sync/types';
import { createLocalSearch, type SearchService } from '$lib/search/search-service';
import type { EngineListing } from '$lib/search/search-engine';
import { yieldToPage } from '$lib/storage/slice-updates';
import { changedItemIds, type ChangedItems } from './changes';

interface Snapshot {
	info: GroupInfo;
	exists: boolean;
	members: Member[];
	items: Item[];
	byId: Map<string, Item>;
}

/** The search engine is told the document's state this long after the group went quiet (it costs a walk over the document). */
const MARK_SEARCH_AFTER_MS = 1_500;

/** Past this many changed items in one go (a first sync, an import), re-indexing everything is cheaper. */
const REINDEX_ALL_ABOVE = 2_000;

/**
 * Reading a big group takes a while (about 0.1–0.3 s at 10,000 items), so when reads are this slow,
 * changes that are not this member's own actions (remote edits, live typing) refresh the pages at
 * most every few reads' worth of time instead of on every keystroke.
 */
const SLOW_READ_MS = 40;

/**
 * Past this many items changed since the last read, the whole group is read again rather than those
 * (reading a few of them still passes over every highlight and note).
 */
const REREAD_AT_MOST = 2_000;

/** Reading every item behind the cover: this many entries between looks at the clock, this long per task. */
const READ_STEP_ENTRIES = 500;
const READ_SLICE_MS = 8;
/** Reads begun again because the document changed meanwhile, before one read in a single task. */
const READ_ATTEMPTS = 3;

/** Whether the cover itself answers a listing: the unfiltered first page, newest first, as long as the cover holds it. */
function coverAnswers(query: ListQuery, cover: GroupCover): boolean {
	const plain = !query.text?.trim() && queryTags(query).length === 0 && !query.member && !query.mentions && !query.trash;
	const perPage = query.perPage ?? DEFAULT_PAGE_SIZE;
	return plain && (query.page ?? 1) === 1 && (query.sort ?? 'newest') === 'newest' && !(perPage > cover.newest.length && cover.newest.length < cover.liveItemCount);
}

/** Under which the engine's answers are kept: a whole listing (while the cover shows), and a text's ids. */
const listingKey = (query: ListQuery) => `page:${JSON.stringify(query)}`;
const textKey = (text: string) => `text:${text}`;

export class GroupState {
	readonly doc: Y.Doc;
	/** The origin of this member's edits; undo tracks exactly this object. */
	readonly actor: Actor;
	/** Views are counted under another origin, so undo never takes back a visit. */
	readonly #viewer: Actor;
	#version = $state(0);
	#snapshot: Snapshot | null = null;
	#snapshotVersion = -1;
	#head: (Pick<Snapshot, 'info' | 'exists' | 'members'> & { version: number }) | null = null;
	/** While above 0, changes are noted but the pages not refreshed (`holdRefresh`). */
	#held = 0;
	#derived = new Map<string, { version: number; value: unknown }>();
	/** Views of the items alone, kept while the snapshot's items are the same array (a member's profile changed, say). */
	#overItems = new Map<string, { items: Item[]; value: unknown }>();
	/** What a member who is not an owner reads of the items, and of which items and owners' decisions. */
	#visible: { raw: Item[]; hidden: string; items: Item[] } | null = null;
	readonly #search: SearchService;
	/** True once the search engine was given every item of the loaded document. */
	#searchSynced = false;
	#searchSyncing = false;
	/** Bumped whenever changes go to the search engine: answers from before are out of date. */
	#searchStamp = 0;
	#searchAnswers = new Map<string, { stamp: number; ids: Set<string> }>();
	/** Listings the search engine answered while the cover shows (it keeps the items with the index). */
	#coverAnswers = new Map<string, EngineListing>();
	#asking = new Set<string>();
	/** The listing and narrowing tags last shown, kept on screen while a search's answer is on its way. */
	#shown: ItemPage | null = null;
	#shownTags: TagCount[] = [];
	/** Bumped when an answer of the search engine arrives, so listings showing it are read again. */
	#answers = $state(0);
	/** Items changed since the snapshot the search index was last brought up to date with. */
	#dirty = new Set<string>();
	#dirtyAll = false;
	/** Items changed since the last refresh: not in any snapshot yet, so not for the index yet. */
	#pending = new Set<string>();
	#pendingAll = false;
	#off: () => void;
	#readMs = 0;
	#acting = false;
	#refreshTimer: ReturnType<typeof setTimeout> | undefined;
	#markTimer: ReturnType<typeof setTimeout> | undefined;
	/** Called around every action, so undo keeps each action a step of its own. */
	onAction: (() => void) | null = null;
	/** What the pages show until the document is loaded (see `showCover`); null once it is. */
	#cover: GroupCover | null = null;
	#docLoaded = false;
	/**
	 * Every item as last read from the document (before what owners hid is concealed), by id, and
	 * the items changed since: the next snapshot reads only those again. 'all' when it cannot tell.
	 */
	#raw: Item[] | null = null;
	#rawChanged: Set<string> | 'all' = 'all';
	/** Counts the document's transactions, so a read spread over tasks knows it is still current. */
	#transactions = 0;
	#destroyed = false;
	/** Owners read everything; everyone else reads what owners hid as placeholders (`visibleItems`). */
	#owner = false;

	/**
	 * `member` is the member's id, or a whole actor (tests give one with a clock); `search` answers
	 * full-text queries (a worker on the page; in-process by default).
	 */
	constructor(session: Pick<GroupSession, 'doc'>, member: string | Actor, search: SearchService = createLocalSearch()) {
		this.doc = session.doc;
		this.#search = search;
		this.actor = typeof member === 'string' ? { memberId: member } : member;
		this.#viewer = bookkeepingOrigin(this.actor);
		const onTransaction = (tr: Y.Transaction) => {
			if (tr.changed.size === 0) return;
			this.#transactions++;
			let found: ChangedItems | null = null;
			const changedIds = () => (found ??= changedItemIds(this.doc, tr));
			if (this.#rawChanged !== 'all') {
				const changed = changedIds();
				if (changed === 'all') this.#rawChanged = 'all';
				else for (const id of changed) this.#rawChanged.add(id);
				if (this.#rawChanged !== 'all' && this.#rawChanged.size > REREAD_AT_MOST) this.#rawChanged = 'all';
			}
			if (!this.#pendingAll) {
				const changed = changedIds();
				if (changed === 'all') this.#pendingAll = true;
				else for (const id of changed) this.#pending.add(id);
				if (this.#pending.size > REINDEX_ALL_ABOVE) this.#pendingAll = true;
			}
			if (this.#held > 0) return;
			if (this.#acting || this.#readMs < SLOW_READ_MS) this.#refresh();
			else this.#refreshTimer ??= setTimeout(() => this.#refresh(), Math.min(600, 2 * this.#readMs));
		};
		this.doc.on('afterTransaction', onTransaction);
		this.#off = () => this.doc.off('afterTransaction', onTransaction);
	}

	/**
	 * Whether this member is an owner. Until told, they are not: what owners hid stays out of every
	 * snapshot, the search index and the threads.
	 */
	setOwner(owner: boolean): void {
		if (owner === this.#owner) return;
		this.#owner = owner;
		this.#pendingAll = true;
		this.#refresh();
	}

	get owner(): boolean {
		return this.#owner;
	}

	/**
	 * Keeps the pages as they are while a long series of changes is written (an import, a step at a
	 * time): reading a big group after each step would hold the page longer than the step. The
	 * returned function shows everything at once.
	 */
	holdRefresh(): () => void {
		this.#held++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			if (--this.#held === 0) this.#refresh();
		};
	}

	/** Shows every change received so far at once (when the group has finished loading, say). */
	flush(): void {
		if (this.#refreshTimer !== undefined) this.#refresh();
	}

	/**
	 * Shows `cover` (kept on disk from the last time) until the document is loaded, so the first
	 * page needs no read of the document. Ignored once it is loaded.
	 */
	showCover(cover: GroupCover): void {
		if (this.#docLoaded) return;
		this.#cover = cover;
		this.#version++;
	}

	/**
	 * The document is loaded: from now on everything is read from it. While the cover shows, the
	 * document's items are first read a part at a time (a big group takes most of a second to read,
	 * which in one task would hold the page), then the pages change over to them; resolves then.
	 * `switching` runs in the same step as the change-over, so whoever waits for it (the workspace's
	 * `loaded`) never lets the pages see a moment with neither the cover nor the document.
	 */
	async docLoaded(switching: () => void = () => {}): Promise<void> {
		if (this.#docLoaded) return switching();
		this.#docLoaded = true;
		if (!this.#cover) {
			switching();
			return this.flush();
		}
		await this.#readBehindCover();
		// The change-over draws the page again: a task of its own, not the end of the read's last one.
		await yieldToPage();
		if (this.#destroyed) return;
		switching();
		this.#cover = null;
		this.#coverAnswers.clear();
		this.#refresh();
	}

	async #readBehindCover(): Promise<void> {
		// When it changed on every attempt (a sync in full flow), the next snapshot reads it in one go.
		await this.#readInSlices(undefined, (items) => {
			this.#raw = this.#cover ? keepShown(items, this.#cover.newest) : items;
			this.#rawChanged = new Set();
		});
	}

	/**
	 * Reads what changed since the last read a part at a time, pausing for the page between parts, so
	 * that the next read finds it done: after an import of 10,000 items, one read took 600 ms in a
	 * single task. Does nothing when little changed (the next read takes it at once).
	 */
	async readChangesInSlices(): Promise<void> {
		const changed = this.#rawChanged;
		if (this.#cover || this.#raw === null || (changed !== 'all' && changed.size < READ_STEP_ENTRIES)) return;
		const raw = this.#raw;
		await this.#readInSlices(changed === 'all' ? undefined : changed, (items) => {
			if (this.#rawChanged !== changed || this.#raw !== raw) return;
			this.#raw = changed === 'all' ? items : withReread(raw, changed, items);
			this.#rawChanged = new Set();
		});
	}

	/**
	 * Every item (or those of `only`), read in slices of READ_SLICE_MS and handed to `done` in the
	 * same step as the read's end (so no change can come between); begun again when the document
	 * changes meanwhile, and not handed at all when it changed on every attempt.
	 */
	async #readInSlices(only: ReadonlySet<string> | undefined, done: (items: Item[]) => void): Promise<void> {
		for (let attempt = 0; attempt < READ_ATTEMPTS && !this.#destroyed; attempt++) {
			const seen = this.#transactions;
			const steps = readAllItemsInSteps(this.doc, READ_STEP_ENTRIES, only);
			let sliceEnd = performance.now() + READ_SLICE_MS;
			let step = steps.next();
			while (!step.done) {
				if (performance.now() > sliceEnd) {
					await yieldToPage();
					if (this.#transactions !== seen || this.#destroyed) break;
					sliceEnd = performance.now() + READ_SLICE_MS;
				}
				step = steps.next();
			}
			if (step.done && this.#transactions === seen) return done(step.value);
		}
	}

	/** True while the pages show the cover, before the document is loaded. */
	get showingCover(): boolean {
		this.#version;
		return this.#cover !== null;
	}

	/** The cover to keep on disk for the next opening: the first page and the counts, as now. */
	cover(): GroupCover {
		return coverOf(this.#read(), {
			liveItemCount: this.liveItemCount,
			lastActivity: this.lastActivity,
			tagCounts: this.tagCounts,
			memberCounts: this.memberCounts
		});
	}

	/** Gives the search engine what changed (everything, the first time), so the next search is quick. */
	prepareSearch(): void {
		if (this.#cover) return;
		this.#feedSearch(this.#read());
	}

	/**
	 * The cover's answer to a listing: the unfiltered first page, newest first, from the cover itself;
	 * any other (a search, a tag) from the search engine, which keeps the items saved with its index.
	 */
	#coverPage(query: ListQuery, cover: GroupCover): ItemPage {
		const perPage = query.perPage ?? DEFAULT_PAGE_SIZE;
		if (!coverAnswers(query, cover)) {
			// Until the engine answers, the listing shown stays (no empty list drawn in between).
			const answer = this.#engineListing(query);
			if (answer) return (this.#shown = answer);
			return this.#shown ?? { items: [], total: 0, page: 1, perPage, pageCount: 0, from: 0, to: 0 };
		}
		const items = cover.newest.slice(0, perPage);
		const total = cover.liveItemCount;
		return (this.#shown = { items, total, page: 1, perPage, pageCount: Math.max(1, Math.ceil(total / perPage)), from: items.length ? 1 : 0, to: items.length });
	}

	/**
	 * Asks the search engine for the text of `query` ahead of the listing (a search being typed), so
	 * its answer is at hand when the search is made. Not while the cover shows: the engine then
	 * reads every matching item from its store, which for the first letters of a word is thousands.
	 */
	prepareSearchFor(query: ListQuery): void {
		const text = query.text?.trim();
		if (!text || this.#cover) return;
		this.#searchIds(text, this.#read());
	}

	/**
	 * False while `list(query)` shows the listing kept from before, the answer to `query` still on its
	 * way from the search engine (reading it makes a reaction wait for the answer).
	 */
	isAnswered(query: ListQuery): boolean {
		this.#version;
		this.#answers;
		if (this.#cover) return coverAnswers(query, this.#cover) || this.#coverAnswers.has(listingKey(query));
		const text = query.text?.trim();
		return !text || this.#searchAnswers.has(textKey(text));
	}

	/** The search engine's answer to a listing, or null until it has come (then the page is read again). */
	#engineListing(query: ListQuery): EngineListing | null {
		if (query.trash) return null;
		const key = listingKey(query);
		const answer = this.#coverAnswers.get(key);
		if (answer) return answer;
		if (!this.#asking.has(key)) {
			this.#asking.add(key);
			performance.mark?.('commonplace:search-asked');
			this.#search.page(query).then(
				(page) => {
					performance.mark?.('commonplace:search-answered');
					this.#asking.delete(key);
					if (!this.#cover) return;
					this.#coverAnswers.set(key, page);
					this.#answers++;
				},
				() => this.#asking.delete(key)
			);
		}
		return null;
	}

	/** Sends the search engine the items changed since last time, or every item the first time. */
	#feedSearch(snapshot: Snapshot): void {
		if (this.#searchSyncing) return;
		if (!this.#searchSynced || this.#dirtyAll) {
			// The first time, the engine may hold this very state of the document already (saved by
			// the last page): then it need not be given every item again.
			const state = this.#searchSynced || !this.#search.mayHold ? null : this.#searchState();
			this.#searchSynced = true;
			this.#searchSyncing = true;
			this.#dirtyAll = false;
			this.#dirty.clear();
			this.#searchStamp++;
			// Marks for anyone measuring (DevTools, benchmarks): whether the engine had to be given every item.
			const giveAll = () => {
				performance.mark?.('commonplace:search-given-all');
				return this.#search.sync(snapshot.items);
			};
			const fed = state
				? this.#search.holds(state).then((held) => (held ? void performance.mark?.('commonplace:search-held') : giveAll()))
				: giveAll();
			void fed
				.catch(() => {})
				.then(() => {
					this.#searchSyncing = false;
					// Answers given while it was taking every item are asked again.
					this.#searchStamp++;
					this.#answers++;
					this.#markSearchSoon();
				});
			return;
		}
		if (this.#dirty.size === 0) return;
		const items: Item[] = [];
		const gone: string[] = [];
		for (const id of this.#dirty) {
			const item = snapshot.byId.get(id);
			if (item) items.push(item);
			else gone.push(id);
		}
		this.#dirty.clear();
		this.#search.update(items, gone);
		this.#searchStamp++;
		this.#markSearchSoon();
	}

	/**
	 * The state of the document (and whether owners' hidden things are in), when the snapshot read
	 * last is the document as it is now; null while a change is not in it yet.
	 */
	#searchState(): Uint8Array | null {
		if (this.#pending.size > 0 || this.#pendingAll || this.#refreshTimer !== undefined || this.#snapshotVersion !== this.#version) return null;
		const state = documentState(this.doc);
		const key = new Uint8Array(state.length + 1);
		key[0] = this.#owner ? 1 : 0;
		key.set(state, 1);
		return key;
	}

	/**
	 * Once the group is quiet, the search engine is given what changed and told the document's state,
	 * which it saves with its index: the next page to open the group in that state gives it nothing.
	 */
	#markSearchSoon(): void {
		clearTimeout(this.#markTimer);
		this.#markTimer = setTimeout(() => {
			this.#markTimer = undefined;
			if (!this.#searchSynced || this.#searchSyncing) return;
			this.#feedSearch(this.#read());
			if (this.#searchSyncing || this.#dirty.size > 0) return;
			const state = this.#searchState();
			if (state) this.#search.mark(state);
			else this.#markSearchSoon();
		}, MARK_SEARCH_AFTER_MS);
	}

	#refresh(): void {
		clearTimeout(this.#refreshTimer);
		this.#refreshTimer = undefined;
		// What changed is now in the next snapshot, so the index may catch up with it.
		if (this.#pendingAll) this.#dirtyAll = true;
		else for (const id of this.#pending) this.#dirty.add(id);
		if (this.#dirty.size > REINDEX_ALL_ABOVE) this.#dirtyAll = true;
		this.#pending.clear();
		this.#pendingAll = false;
		this.#version++;
		if (this.#searchSynced) this.#markSearchSoon();
	}

	destroy(): void {
		this.#destroyed = true;
		clearTimeout(this.#refreshTimer);
		clearTimeout(this.#markTimer);
		this.#off();
		this.#search.close();
	}

	/** Changes on every change to the document; reading it makes a reaction depend on the group. */
	get version(): number {
		return this.#version;
	}

	#read(): Snapshot {
		const version = this.#version;
		if (this.#snapshot && this.#snapshotVersion === version) return this.#snapshot;
		const started = performance.now();
		const items = this.#readableItems();
		const previous = this.#snapshot;
		this.#snapshot = {
			info: getGroupInfo(this.doc),
			exists: hasGroup(this.doc),
			members: listMembers(this.doc),
			items,
			byId: previous?.items === items ? previous.byId : new Map(items.map((item) => [item.id, item]))
		};
		this.#snapshotVersion = version;
		this.#readMs = performance.now() - started;
		return this.#snapshot;
	}

	/** Every item as the document holds it now: only what changed since the last read is read again. */
	#rawItems(): Item[] {
		const changed = this.#rawChanged;
		if (this.#raw !== null && changed !== 'all' && changed.size === 0) return this.#raw;
		this.#raw = this.#raw === null || changed === 'all' ? readAllItems(this.doc) : rereadItems(this.doc, this.#raw, changed);
		this.#rawChanged = new Set();
		return this.#raw;
	}

	/**
	 * The items as this member may read them (as `readGroupAs` gives them): the same array as long
	 * as neither the items nor the owners' decisions changed.
	 */
	#readableItems(): Item[] {
		const raw = this.#rawItems();
		if (this.#owner) return raw;
		const hidden = readHidden(this.doc);
		const key = hidden.size ? JSON.stringify([...hidden]) : '';
		if (this.#visible?.raw !== raw || this.#visible.hidden !== key) this.#visible = { raw, hidden: key, items: visibleItems(raw, hidden) };
		return this.#visible.items;
	}

	/** A view of the items alone, computed again only when they changed. */
	#overItemsMemo<T>(name: string, compute: (items: Item[]) => T): T {
		const { items } = this.#read();
		const cached = this.#overItems.get(name);
		if (cached && cached.items === items) return cached.value as T;
		const value = compute(items);
		this.#overItems.set(name, { items, value });
		return value;
	}

	/**
	 * The group's info and members, read without the items: pages that show only these (the frame of
	 * every page, the Import page) never read the whole group after a change.
	 */
	#readHead(): Pick<Snapshot, 'info' | 'exists' | 'members'> {
		const version = this.#version;
		if (this.#snapshot && this.#snapshotVersion === version) return this.#snapshot;
		if (this.#head?.version !== version) {
			this.#head = { version, info: getGroupInfo(this.doc), exists: hasGroup(this.doc), members: listMembers(this.doc) };
		}
		return this.#head;
	}

	#memo<T>(name: string, compute: (s: Snapshot) => T): T {
		const snapshot = this.#read();
		const cached = this.#derived.get(name);
		if (cached && cached.version === this.#snapshotVersion) return cached.value as T;
		const value = compute(snapshot);
		this.#derived.set(name, { version: this.#snapshotVersion, value });
		return value;
	}

	/** False until the group's data is here (a joined group waits for its first sync). */
	get exists(): boolean {
		this.#version;
		return this.#cover ? this.#cover.exists : this.#readHead().exists;
	}

	get info(): GroupInfo {
		this.#version;
		return this.#cover ? this.#cover.info : this.#readHead().info;
	}

	get name(): string {
		return this.info.name;
	}

	get writable(): boolean {
		return this.info.writable;
	}

	get members(): Member[] {
		this.#version;
		return this.#cover ? this.#cover.members : this.#readHead().members;
	}

	/** Every item, deleted ones included. */
	get items(): Item[] {
		return this.#read().items;
	}

	get liveItemCount(): number {
		if (this.#cover) return this.#cover.liveItemCount;
		return this.#overItemsMemo('liveCount', liveItemCount);
	}

	/** When anything in the group last changed that carries a time. */
	get lastActivity(): number {
		if (this.#cover) return this.#cover.lastActivity;
		return this.#memo('lastActivity', (s) => lastActivity(s.info, s.items));
	}

	get tagCounts(): TagCount[] {
		this.#version;
		if (this.#cover) return this.#cover.tagCounts;
		return this.#overItemsMemo('tags', countTags);
	}

	get memberCounts(): MemberCount[] {
		this.#version;
		if (this.#cover) return this.#cover.memberCounts;
		return this.#memo('members', (s) => countMembers(s.members, s.items, this.#overItemsMemo('saved', savedCounts)));
	}

	get trash(): TrashEntry[] {
		return this.#memo('trash', () => listTrash(this.doc));
	}

	/** The replies answering a note, a highlight or a reply, as a tree (deleted ones kept while answered). */
	thread(itemId: string, parent: { kind: ReplyParentKind; id: string }): ReplyNode[] {
		// Read first, so a view computed while the cover shows follows the document once it loads.
		this.#version;
		if (this.#cover) return [];
		const byItem = this.#memo('replies', () => {
			const out = new Map<string, Reply[]>();
			const all = readAllReplies(this.doc);
			for (const reply of this.#owner ? all : visibleReplies(all, readHidden(this.doc))) {
				const list = out.get(reply.itemId);
				if (list) list.push(reply);
				else out.set(reply.itemId, [reply]);
			}
			return out;
		});
		return replyTree(byItem.get(itemId) ?? [], parent);
	}

	/** The owners' decisions, by target. */
	get hidden(): Map<string, HiddenState> {
		// Read first, so a view computed while the cover shows follows the document once it loads.
		this.#version;
		if (this.#cover) return new Map();
		return this.#memo('hidden', () => readHidden(this.doc));
	}

	/** Whether an owner hid this (and has not restored it). */
	isHidden(target: Target): boolean {
		return this.hidden.get(targetKey(target))?.hidden === true;
	}

	/** Every flag, by target. */
	#flags(): Map<string, Flag[]> {
		return this.#memo('flags', () => {
			const out = new Map<string, Flag[]>();
			for (const f of readFlags(this.doc)) {
				const k = targetKey(f);
				const list = out.get(k);
				if (list) list.push(f);
				else out.set(k, [f]);
			}
			return out;
		});
	}

	/** This member's own flag on a target, if any. */
	myFlag(target: Target): Flag | null {
		// Read first, so a view computed while the cover shows follows the document once it loads.
		this.#version;
		if (this.#cover) return null;
		return this.#flags().get(targetKey(target))?.find((f) => f.memberId === this.actor.memberId) ?? null;
	}

	/** Everything flagged or hidden, for the owners' view. */
	get flagged(): FlaggedEntry[] {
		// Read first, so a view computed while the cover shows follows the document once it loads.
		this.#version;
		if (this.#cover) return [];
		return this.#memo('flagged', () => listFlagged(this.doc));
	}

	item(itemId: string): Item | null {
		this.#version;
		if (this.#cover) return this.#cover.newest.find((i) => i.id === itemId) ?? null;
		return this.#read().byId.get(itemId) ?? null;
	}

	/** The item already holding this URL, if any (any spelling of the same page). */
	itemForUrl(url: string): Item | null {
		try {
			// An item saved before the URL rules changed is keyed by the older form of its URL.
			const legacy = legacyItemIdForUrl(url);
			return this.item(itemIdForUrl(url)) ?? (legacy === null ? null : this.item(legacy));
		} catch {
			return null;
		}
	}

	member(memberId: string): Member | null {
		return this.members.find((m) => m.id === memberId) ?? null;
	}

	memberName(memberId: string): string {
		return this.member(memberId)?.name || 'Someone';
	}

	/**
	 * One page of items, newest first; `text` is answered by the search engine, so until its answer
	 * comes (a few ms) the listing shown before stays, rather than flashing an empty one and drawing
	 * the page twice, and then the page is read again.
	 */
	list(query: ListQuery): ItemPage {
		this.#version;
		this.#answers;
		if (this.#cover) return this.#coverPage(query, this.#cover);
		const snapshot = this.#read();
		const text = query.text?.trim();
		const ids = text ? this.#searchIds(text, snapshot) : undefined;
		if (ids === null) return this.#shown ?? queryItems([], query);
		return (this.#shown = queryItems(snapshot.items, { ...query, text }, ids));
	}

	/**
	 * The tags that narrow a filtered listing, with how many of its items carry each; the whole
	 * group's tags when nothing filters it.
	 */
	relatedTags(query: ListQuery): TagCount[] {
		this.#version;
		this.#answers;
		const text = query.text?.trim();
		if (!text && queryTags(query).length === 0 && !query.member && !query.mentions) return (this.#shownTags = this.tagCounts);
		// While the cover shows, from the engine's answer to the same listing (the tags shown stay until it comes).
		if (this.#cover) return (this.#shownTags = this.#engineListing(query)?.tags ?? this.#shownTags);
		const snapshot = this.#read();
		const ids = text ? this.#searchIds(text, snapshot) : undefined;
		if (ids === null) return this.#shownTags;
		return (this.#shownTags = narrowingTags(snapshot.items, { ...query, text }, ids));
	}

	/** Ids of the live items matching a full-text query, once the search engine has what changed so far. */
	async search(text: string): Promise<Set<string>> {
		// While the cover shows (the document being read behind it) the engine answers from what it saved.
		if (!this.#cover) this.#feedSearch(this.#read());
		return new Set(await this.#search.search(text));
	}

	/** The search engine's latest answer for `text` (null before its first); asked again when changes went to it since. */
	#searchIds(text: string, snapshot: Snapshot): Set<string> | null {
		this.#feedSearch(snapshot);
		const key = textKey(text);
		const answer = this.#searchAnswers.get(key);
		if (answer && answer.stamp === this.#searchStamp) return answer.ids;
		if (!this.#asking.has(key)) {
			this.#asking.add(key);
			const stamp = this.#searchStamp;
			performance.mark?.('commonplace:search-asked');
			this.#search.search(text).then(
				(ids) => {
					performance.mark?.('commonplace:search-answered');
					this.#asking.delete(key);
					this.#searchAnswers.set(key, { stamp, ids: new Set(ids) });
					if (this.#searchAnswers.size > 20) this.#searchAnswers.delete(this.#searchAnswers.keys().next().value!);
					this.#answers++;
				},
				() => this.#asking.delete(key)
			);
		}
		return answer?.ids ?? null;
	}

	/** Runs one of this member's actions: its own undo step, shown at once however big the group. */
	#act<T>(action: () => T): T {
		this.onAction?.();
		this.#acting = true;
		try {
			return action();
		} finally {
			this.#acting = false;
			this.onAction?.();
		}
	}

	// Writes: each is one model action by this member, so one undo step.

	addItem(input: ItemInput): AddResult {
		return this.#act(() => addItem(this.doc, this.actor, input));
	}

	/**
	 * Saves a page with an optional highlight and note, as one step to undo; a page already in the
	 * group gets them added (and its tags merged).
	 */
	capture(input: ItemInput, highlight?: HighlightInput, note?: string): AddResult {
		return this.#act(() => {
			let result!: AddResult;
			this.doc.transact(() => {
				result = addItem(this.doc, this.actor, input);
				if (highlight?.exact.trim()) addHighlight(this.doc, this.actor, result.itemId, highlight);
				if (note?.trim()) addNote(this.doc, this.actor, result.itemId, { text: note });
			}, this.actor);
			return result;
		});
	}

	/** Fills what the item lacks from its page's details: bookkeeping, not an edit to undo. */
	fillPageDetails(itemId: string, details: PageDetails): void {
		fillPageDetails(this.doc, this.#viewer, itemId, details);
	}

	editItem(itemId: string, edit: ItemEdit): void {
		this.#act(() => editItem(this.doc, this.actor, itemId, edit));
	}

	/** Title, description and tags changed together, as one step to undo. */
	editItemAndTags(itemId: string, edit: ItemEdit, tags: string | readonly string[]): void {
		// Tags are checked before anything is written, so a refused tag leaves the title alone too.
		const clean = parseTagList(tags);
		if (clean.length > LIMITS.tagsPerItem) {
			throw new ModelError('too-long', `An item can carry at most ${LIMITS.tagsPerItem} tags.`);
		}
		this.#act(() =>
			this.doc.transact(() => {
				editItem(this.doc, this.actor, itemId, edit);
				setTags(this.doc, this.actor, itemId, clean);
			}, this.actor)
		);
	}

	setTags(itemId: string, tags: string | readonly string[]): void {
		this.#act(() => setTags(this.doc, this.actor, itemId, tags));
	}

	/** Writes an older version of the item back (from its history) as one new edit, one step to undo. */
	restoreVersion(itemId: string, version: ItemVersion): void {
		this.#act(() => restoreItemVersion(this.doc, this.actor, itemId, version));
	}

	deleteItem(itemId: string): void {
		this.#act(() => deleteItem(this.doc, this.actor, itemId));
	}

	restoreItem(itemId: string): void {
		this.#act(() => restoreItem(this.doc, this.actor, itemId));
	}

	countView(itemId: string): void {
		countView(this.doc, this.#viewer, itemId);
	}

	addHighlight(itemId: string, input: HighlightInput): string {
		return this.#act(() => addHighlight(this.doc, this.actor, itemId, input));
	}

	editHighlightNote(highlightId: string, note: string): void {
		this.#act(() => editHighlight(this.doc, this.actor, highlightId, { note }));
	}

	deleteHighlight(highlightId: string): void {
		this.#act(() => deleteHighlight(this.doc, this.actor, highlightId));
	}

	restoreHighlight(highlightId: string): void {
		this.#act(() => restoreHighlight(this.doc, this.actor, highlightId));
	}

	addNote(itemId: string, text: string): string {
		return this.#act(() => addNote(this.doc, this.actor, itemId, { text }));
	}

	editNote(noteId: string, text: string): void {
		this.#act(() => editNote(this.doc, this.actor, noteId, text));
	}

	/**
	 * Live typing in a note, a highlight's note or a description (sync/collab-text.ts): written as
	 * this member, keystrokes merged into one undo step by the undo manager's timeout, and shown
	 * at the pace of the group's size rather than on every key.
	 */
	editText(target: { kind: 'note' | 'highlight' | 'reply' | 'description'; id: string }, value: string): void {
		if (target.kind === 'note') editNote(this.doc, this.actor, target.id, value);
		else if (target.kind === 'reply') editReply(this.doc, this.actor, target.id, value);
		else if (target.kind === 'highlight') editHighlight(this.doc, this.actor, target.id, { note: value });
		else editItem(this.doc, this.actor, target.id, { description: value });
	}

	deleteNote(noteId: string): void {
		this.#act(() => deleteNote(this.doc, this.actor, noteId));
	}

	restoreNote(noteId: string): void {
		this.#act(() => restoreNote(this.doc, this.actor, noteId));
	}

	addReply(parent: { kind: ReplyParentKind; id: string }, text: string): string {
		return this.#act(() => addReply(this.doc, this.actor, parent, { text }));
	}

	editReply(replyId: string, text: string): void {
		this.#act(() => editReply(this.doc, this.actor, replyId, text));
	}

	deleteReply(replyId: string): void {
		this.#act(() => deleteReply(this.doc, this.actor, replyId));
	}

	restoreReply(replyId: string): void {
		this.#act(() => restoreReply(this.doc, this.actor, replyId));
	}

	flag(target: Target, reason: string): void {
		this.#act(() => flag(this.doc, this.actor, target, reason));
	}

	unflag(target: Target): void {
		this.#act(() => unflag(this.doc, this.actor, target));
	}

	/** Hides or restores something; the pages offer it to owners only, and the relay refuses anyone else. */
	setHidden(target: Target, hidden: boolean): void {
		this.#act(() => setHidden(this.doc, this.actor, target, hidden));
	}

	restore(entry: Pick<TrashEntry, 'kind' | 'id'>): void {
		if (entry.kind === 'item') this.restoreItem(entry.id);
		else if (entry.kind === 'highlight') this.restoreHighlight(entry.id);
		else if (entry.kind === 'reply') this.restoreReply(entry.id);
		else this.restoreNote(entry.id);
	}

	/** Renames the group (the settings page offers it to owners); throws a ModelError for a bad name. */
	rename(name: string): void {
		this.#act(() => renameGroup(this.doc, this.actor, name));
	}

	setProfile(profile: { name: string; color: string }): void {
		setMemberProfile(this.doc, this.#viewer, profile);
	}
}

/**
 * `items` (sorted by id) with those the cover shows replaced by the cover's own objects where they
 * read the same: the listing then hands the page the very objects it drew, so the change-over from
 * the cover to the document draws none of its rows again.
 */
function keepShown(items: Item[], shown: readonly Item[]): Item[] {
	for (const item of shown) {
		let lo = 0;
		let hi = items.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (items[mid].id < item.id) lo = mid + 1;
			else hi = mid;
		}
		if (lo < items.length && items[lo].id === item.id && sameData(items[lo], item)) items[lo] = item;
	}
	return items;
}

/** Whether two plain values (as read from the document, or cloned from storage) hold the same data. */
function sameData(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
	const keys = Object.keys(a);
	if (keys.length !== Object.keys(b).length) return false;
	for (const k of keys) {
		if (!Object.hasOwn(b, k) || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
	}
	return true;
}

