// Full-text search over a group's items: each word of every searchable field maps to the items
// holding it, kept current item by item as the document changes and saved as a few flat arrays, so
// a saved index is read from IndexedDB and answers in milliseconds, with no parsing or rebuilding.
// Its answers are those MiniSearch gave with the options the app used (words folded, every word of
// the query required, prefixes, typos forgiven in longer words); the app lists items by its own
// order, never by score, so only the set of items matters.
import type { Item } from '$lib/model';

/** The index in a form to keep on disk: the words, the items holding each, and each item's fingerprint. */
export interface SavedSearchIndex {
	/** Item ids, by item number. */
	ids: string[];
	/** What each item gave the index when it was indexed (see `fingerprint`), by item number. */
	prints: Uint32Array;
	/** Every word, sorted. */
	terms: string[];
	/** The item numbers holding `terms[i]` are `postings[offsets[i]] .. postings[offsets[i + 1] - 1]`, ascending. */
	offsets: Uint32Array;
	postings: Uint32Array;
}

/** Words are cut at spaces and punctuation, as MiniSearch cuts them. */
const SEPARATORS = /[\n\r\p{Z}\p{P}]+/u;
const ASCII = /^[\x00-\x7f]*$/;

/** Accents and case are ignored: "remunerer" finds "Rémunérer". */
function fold(term: string): string {
	// Most words are plain ASCII: lower-cased at once, without the costlier Unicode pass.
	if (ASCII.test(term)) return term.toLowerCase();
	return term.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** The distinct folded words of `text`. */
export function wordsOf(text: string): string[] {
	const words = new Set<string>();
	for (const token of text.split(SEPARATORS)) {
		const word = fold(token);
		if (word) words.add(word);
	}
	return [...words];
}

/** Everything searchable on an item, one field a line: title, URL, site, description, tags, highlights and their notes, notes and replies. */
function searchedText(item: Item): string {
	const parts = [item.title, item.url, item.site, item.description, item.tags.join(' ')];
	for (const h of item.highlights) parts.push(h.exact, h.note);
	for (const n of item.notes) parts.push(n.text);
	for (const r of item.replies ?? []) parts.push(r.text);
	return parts.join('\n');
}

/** A cheap fingerprint (FNV-1a) of what an item gives the index, to tell which items changed since it was saved. */
function fingerprint(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** Typos are forgiven in longer words only, so "2013" never finds "2014": one in five letters, at most 6. */
function typosAllowed(word: string): number {
	if (word.length < 5 || /\d/.test(word)) return 0;
	return Math.min(6, Math.round(word.length * 0.2));
}

/** Whether `a` and `b` are at most `max` edits apart (insertions, deletions, substitutions). */
function withinEdits(a: string, b: string, max: number): boolean {
	if (Math.abs(a.length - b.length) > max) return false;
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	let current = new Array<number>(b.length + 1);
	for (let i = 1; i <= a.length; i++) {
		current[0] = i;
		let best = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
			if (current[j] < best) best = current[j];
		}
		if (best > max) return false;
		[previous, current] = [current, previous];
	}
	return previous[b.length] <= max;
}

/** Item numbers holding a word: a view of the saved arrays until the word gets another item. */
type Posting = Uint32Array | number[];

export class SearchIndex {
	/** Item id by item number; null once the item was dropped or indexed again under a new number. */
	#ids: (string | null)[] = [];
	#prints: number[] = [];
	#numberOf = new Map<string, number>();
	#postings = new Map<string, Posting>();
	/** The words in order, for prefixes; null when a word came since. */
	#sorted: string[] | null = [];
	#dropped = 0;
	#ready = false;
	/**
	 * The saved arrays as loaded, until the index first changes: searches read them as they are, and
	 * the maps above are built only for a change (a page that only searches never builds them).
	 */
	#saved: SavedSearchIndex | null = null;

	/** True once the index holds every item (built, or loaded from its saved form). */
	get ready(): boolean {
		return this.#ready;
	}

	get size(): number {
		return this.#saved ? this.#saved.ids.length : this.#numberOf.size;
	}

	/** Indexes every live item from scratch. */
	rebuild(items: Iterable<Item>): void {
		this.#clear();
		for (const item of items) if (item.deletedAt === null) this.#add(item.id, searchedText(item));
		this.#ready = true;
	}

	/** Takes a saved index instead of building one; false when it cannot be read (build instead). */
	load(saved: SavedSearchIndex): boolean {
		const { ids, prints, terms, offsets, postings } = saved ?? ({} as Partial<SavedSearchIndex>);
		if (!Array.isArray(ids) || !Array.isArray(terms) || !(prints instanceof Uint32Array) || !(offsets instanceof Uint32Array) || !(postings instanceof Uint32Array)) return false;
		if (prints.length !== ids.length || offsets.length !== terms.length + 1 || offsets[terms.length] !== postings.length) return false;
		this.#clear();
		this.#saved = { ids, prints, terms, offsets, postings };
		this.#ids = ids;
		this.#sorted = terms;
		this.#ready = true;
		return true;
	}

	/** Builds the maps from the saved arrays, before the first change. */
	#unpack(): void {
		const saved = this.#saved;
		if (!saved) return;
		this.#saved = null;
		const { ids, prints, terms, offsets, postings } = saved;
		// Its own copy: the saved arrays may have been handed out by `save`.
		this.#ids = [...ids];
		this.#prints = Array.from(prints);
		for (let n = 0; n < ids.length; n++) this.#numberOf.set(ids[n], n);
		for (let i = 0; i < terms.length; i++) this.#postings.set(terms[i], postings.subarray(offsets[i], offsets[i + 1]));
	}

	/** The index as kept on disk: dropped items left out, item numbers made consecutive again. */
	save(): SavedSearchIndex {
		if (this.#saved) return this.#saved;
		const renumber = new Int32Array(this.#ids.length).fill(-1);
		const ids: string[] = [];
		const prints: number[] = [];
		this.#ids.forEach((id, n) => {
			if (id === null) return;
			renumber[n] = ids.length;
			ids.push(id);
			prints.push(this.#prints[n]);
		});
		const terms = this.#words();
		const offsets = new Uint32Array(terms.length + 1);
		const kept: number[] = [];
		terms.forEach((term, i) => {
			for (const n of this.#postings.get(term)!) if (renumber[n] >= 0) kept.push(renumber[n]);
			offsets[i + 1] = kept.length;
		});
		// A word all of whose items went stays with no items: harmless, and gone at the next rebuild.
		return { ids, prints: Uint32Array.from(prints), terms, offsets, postings: Uint32Array.from(kept) };
	}

	/**
	 * Brings a loaded index up to date with every live item, given in parts: only the items whose
	 * fingerprint differs (or that came since) are indexed again, and `end` drops those that went.
	 * Returns how many items that was.
	 */
	reconcile(): { add(items: Iterable<Item>): number; end(): number } {
		this.#unpack();
		const live = new Set<string>();
		let changed = 0;
		return {
			add: (items) => {
				for (const item of items) {
					if (item.deletedAt !== null) continue;
					live.add(item.id);
					const text = searchedText(item);
					const n = this.#numberOf.get(item.id);
					if (n !== undefined && this.#prints[n] === fingerprint(text)) continue;
					this.#drop(item.id);
					this.#add(item.id, text);
					changed++;
				}
				return changed;
			},
			end: () => {
				for (const id of [...this.#numberOf.keys()]) {
					if (live.has(id)) continue;
					this.#drop(id);
					changed++;
				}
				this.#compactIfWasteful();
				this.#ready = true;
				return changed;
			}
		};
	}

	/** Brings the given items up to date; `lookup` returns null for an item that is gone or deleted. */
	update(ids: Iterable<string>, lookup: (id: string) => Item | null | undefined): void {
		if (!this.#ready) return;
		this.#unpack();
		for (const id of ids) {
			this.#drop(id);
			const item = lookup(id);
			if (item && item.deletedAt === null) this.#add(id, searchedText(item));
		}
		this.#compactIfWasteful();
	}

	/** Ids of the items matching every word of `query` (a word may be the start of a longer one, or one typo off). */
	search(query: string): Set<string> {
		const words = wordsOf(query);
		if (words.length === 0) return new Set();
		// How many of the words so far each item holds: an item stays in the running only while it
		// holds every one (a word's prefixes and typos may list it several times).
		const held = new Uint32Array(this.#ids.length);
		for (let w = 0; w < words.length; w++) {
			let any = false;
			for (const posting of this.#postingsFor(words[w])) {
				for (let i = 0; i < posting.length; i++) {
					const n = posting[i];
					if (held[n] === w) {
						held[n] = w + 1;
						any = true;
					}
				}
			}
			if (!any) return new Set();
		}
		const found = new Set<string>();
		for (let n = 0; n < held.length; n++) {
			const id = this.#ids[n];
			if (held[n] === words.length && id !== null) found.add(id);
		}
		return found;
	}

	/** The items of the indexed words a query word finds: itself, the words it starts, and those a few typos off. */
	#postingsFor(word: string): Posting[] {
		const words = this.#words();
		const found: Posting[] = [];
		const saved = this.#saved;
		const posting = (i: number): Posting => (saved ? saved.postings.subarray(saved.offsets[i], saved.offsets[i + 1]) : this.#postings.get(words[i])!);
		// The words starting with `word` sit together in sorted order, `word` itself first.
		let low = 0;
		let high = words.length;
		while (low < high) {
			const mid = (low + high) >>> 1;
			if (words[mid] < word) low = mid + 1;
			else high = mid;
		}
		for (let i = low; i < words.length && words[i].startsWith(word); i++) found.push(posting(i));
		const typos = typosAllowed(word);
		if (typos > 0) {
			for (let i = 0; i < words.length; i++) {
				if (!words[i].startsWith(word) && withinEdits(word, words[i], typos)) found.push(posting(i));
			}
		}
		return found;
	}

	#words(): string[] {
		return (this.#sorted ??= [...this.#postings.keys()].sort());
	}

	#add(id: string, text: string): void {
		const n = this.#ids.length;
		this.#ids.push(id);
		this.#prints.push(fingerprint(text));
		this.#numberOf.set(id, n);
		for (const word of wordsOf(text)) {
			let posting = this.#postings.get(word);
			if (posting === undefined) {
				this.#postings.set(word, [n]);
				this.#sorted = null;
				continue;
			}
			// Item numbers only grow, so pushing keeps each list in order.
			if (!Array.isArray(posting)) this.#postings.set(word, (posting = Array.from(posting)));
			posting.push(n);
		}
	}

	#drop(id: string): void {
		const n = this.#numberOf.get(id);
		if (n === undefined) return;
		this.#numberOf.delete(id);
		this.#ids[n] = null;
		this.#dropped++;
	}

	/** Dropped items stay in the lists until they are a quarter of them (searches skip them). */
	#compactIfWasteful(): void {
		if (this.#dropped < 1_000 || this.#dropped * 4 < this.#ids.length) return;
		this.load(this.save());
	}

	#clear(): void {
		this.#ids = [];
		this.#prints = [];
		this.#numberOf = new Map();
		this.#postings = new Map();
		this.#sorted = [];
		this.#dropped = 0;
		this.#ready = false;
		this.#saved = null;
	}
}
