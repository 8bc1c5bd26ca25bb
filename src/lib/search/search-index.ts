// Full-text search over a group's items with MiniSearch: built once, then kept current item by item
// as the document changes, so typing a query never rebuilds it.
import MiniSearch from 'minisearch';
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
		notes: item.notes.map((n) => n.text).join('\n')
	};
}

/** Accents and case are ignored: "remunerer" finds "Rémunérer". */
function fold(term: string): string {
	return term.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

export class SearchIndex {
	#index = SearchIndex.#create();
	#ready = false;

	static #create(): MiniSearch<SearchDocument> {
		return new MiniSearch<SearchDocument>({
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
		});
	}

	/** True once the index holds every item (it is built on the first search). */
	get ready(): boolean {
		return this.#ready;
	}

	/** Indexes every live item from scratch. */
	rebuild(items: Iterable<Item>): void {
		this.#index = SearchIndex.#create();
		const docs: SearchDocument[] = [];
		for (const item of items) if (item.deletedAt === null) docs.push(toDocument(item));
		this.#index.addAll(docs);
		this.#ready = true;
	}

	/** Brings the given items up to date; `lookup` returns null for an item that is gone or deleted. */
	update(ids: Iterable<string>, lookup: (id: string) => Item | null | undefined): void {
		if (!this.#ready) return;
		for (const id of ids) {
			if (this.#index.has(id)) this.#index.discard(id);
			const item = lookup(id);
			if (item && item.deletedAt === null) this.#index.add(toDocument(item));
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
