// Full-text search over a group's items with MiniSearch: built once (or restored from its saved
// form), then kept current item by item as the document changes, so typing a query never rebuilds it.
import MiniSearch, { type Options } from 'minisearch';
import type { Item } from '$lib/model';

interface SearchDocument {
	id: string;
	title: string;
	url: string;
	site: string;
	description: string;
	tags: string;
	highlights: string;
	notes: string;
}

const FIELDS = ['title', 'url', 'site', 'description', 'tags', 'highlights', 'notes'] as const;

function toDocument(item: Item): SearchDocument {
	return {
		id: item.id,
		title: item.title,
		url: item.url,
		site: item.site,
		description: item.description,
		tags: item.tags.join(' '),
		highlights: item.highlights.map((h) => `${h.exact}\n${h.note}`).join('\n'),
		// Replies are searched with the notes they answer, as `searchableText` does.
		notes: [...item.notes.map((n) => n.text), ...(item.replies ?? []).map((r) => r.text)].join('\n')
	};
}

/** A cheap fingerprint (FNV-1a) of what an item gives the index, to tell which items changed since it was saved. */
function fingerprint(doc: SearchDocument): number {
	let hash = 0x811c9dc5;
	for (const field of FIELDS) {
		const value = doc[field];
		for (let i = 0; i < value.length; i++) {
			hash ^= value.charCodeAt(i);
			hash = Math.imul(hash, 0x01000193);
		}
		hash ^= 0x1f;
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** The index in a form to keep on disk, with each item's fingerprint when it was indexed. */
export interface SavedSearchIndex {
	index: string;
	prints: Record<string, number>;
}

/** Accents and case are ignored: "remunerer" finds "Rémunérer". */
function fold(term: string): string {
	// Most words are plain ASCII: lower-cased at once, without the costlier Unicode pass.
	if (ASCII.test(term)) return term.toLowerCase();
	return term.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

const ASCII = /^[\x00-\x7f]*$/;

export class SearchIndex {
	#index = SearchIndex.#create();
	#ready = false;
	#prints = new Map<string, number>();

	static #options(): Options<SearchDocument> {
		return {
			fields: [...FIELDS],
			storeFields: [],
			processTerm: (term) => fold(term) || null,
			// Typos are forgiven in longer words only, so "2013" never finds "2014".
			searchOptions: {
				boost: { title: 3, tags: 2 },
				prefix: true,
				fuzzy: (term) => (term.length >= 5 && !/\d/.test(term) ? 0.2 : false),
				combineWith: 'AND'
			}
		};
	}

	static #create(): MiniSearch<SearchDocument> {
		return new MiniSearch<SearchDocument>(SearchIndex.#options());
	}

	/** True once the index holds every item (it is built on the first search). */
	get ready(): boolean {
		return this.#ready;
	}

	/** Indexes every live item from scratch. */
	rebuild(items: Iterable<Item>): void {
		this.#index = SearchIndex.#create();
		this.#prints = new Map();
		const docs: SearchDocument[] = [];
		for (const item of items) {
			if (item.deletedAt !== null) continue;
			const doc = toDocument(item);
			docs.push(doc);
			this.#prints.set(doc.id, fingerprint(doc));
		}
		this.#index.addAll(docs);
		this.#ready = true;
	}

	/** Takes a saved index instead of building one; false when it cannot be read (build instead). */
	load(saved: SavedSearchIndex): boolean {
		try {
			this.#index = MiniSearch.loadJSON<SearchDocument>(saved.index, SearchIndex.#options());
		} catch {
			return false;
		}
		this.#prints = new Map(Object.entries(saved.prints));
		this.#ready = true;
		return true;
	}

	/**
	 * Brings a loaded index up to date with every live item, given in parts: only the items whose
	 * fingerprint differs (or that came since) are indexed again, and `end` drops those that went.
	 * Returns how many items that was.
	 */
	reconcile(): { add(items: Iterable<Item>): number; end(): number } {
		const live = new Set<string>();
		let changed = 0;
		return {
			add: (items) => {
				for (const item of items) {
					if (item.deletedAt !== null) continue;
					live.add(item.id);
					const doc = toDocument(item);
					const print = fingerprint(doc);
					if (this.#prints.get(item.id) === print && this.#index.has(item.id)) continue;
					if (this.#index.has(item.id)) this.#index.discard(item.id);
					this.#index.add(doc);
					this.#prints.set(item.id, print);
					changed++;
				}
				return changed;
			},
			end: () => {
				for (const id of [...this.#prints.keys()]) {
					if (live.has(id)) continue;
					if (this.#index.has(id)) this.#index.discard(id);
					this.#prints.delete(id);
					changed++;
				}
				this.#ready = true;
				return changed;
			}
		};
	}

	/** A saved index, brought up to date with `items` (see `load` and `reconcile`). */
	restore(saved: SavedSearchIndex, items: Iterable<Item>): number | false {
		if (!this.load(saved)) return false;
		const pass = this.reconcile();
		pass.add(items);
		return pass.end();
	}

	/** The index as kept on disk. */
	save(): SavedSearchIndex {
		return { index: JSON.stringify(this.#index), prints: Object.fromEntries(this.#prints) };
	}

	/** Brings the given items up to date; `lookup` returns null for an item that is gone or deleted. */
	update(ids: Iterable<string>, lookup: (id: string) => Item | null | undefined): void {
		if (!this.#ready) return;
		for (const id of ids) {
			if (this.#index.has(id)) this.#index.discard(id);
			this.#prints.delete(id);
			const item = lookup(id);
			if (item && item.deletedAt === null) {
				const doc = toDocument(item);
				this.#index.add(doc);
				this.#prints.set(id, fingerprint(doc));
			}
		}
	}

	get size(): number {
		return this.#index.documentCount;
	}

	/** Ids of the items matching every word of `query` (words may be the start of a word). */
	search(query: string): Set<string> {
		const q = query.trim();
		if (!q) return new Set();
		return new Set(this.#index.search(q).map((r) => r.id as string));
	}
}
