// Replays a group's history (a checkpoint, then the logged updates in order) into a Y.Doc, telling
// which items each update touched and which member each token wrote as, and keeping an index of
// every item's tags, highlights and notes so reading one item's version never walks the group.
import * as Y from 'yjs';
import { SEP, roots, type GroupRoots } from '../model/schema';
import type { ItemIndex } from '../model/version';

export interface HistoryAuthor {
	tokenId: string;
	/** The name the token's member joined with ('' when none). */
	name: string;
	/** When the relay accepted the update (its clock). */
	at: number;
}

export interface HistoryUpdate {
	seq: number;
	body: Uint8Array;
	author: HistoryAuthor | null;
}

/** What history is replayed from: a checkpoint (null: the empty group) and every update after it. */
export interface HistoryInput {
	base: Uint8Array | null;
	baseAt: number | null;
	updates: HistoryUpdate[];
}

const DESCRIPTION_PREFIX = `description${SEP}`;

function itemOfKey(k: string): string {
	const at = k.indexOf(SEP);
	return at < 0 ? k : k.slice(0, at);
}

class Index implements ItemIndex {
	readonly #sets = {
		tags: new Map<string, Set<string>>(),
		highlights: new Map<string, Set<string>>(),
		notes: new Map<string, Set<string>>(),
		replies: new Map<string, Set<string>>()
	};

	add(kind: 'tags' | 'highlights' | 'notes' | 'replies', itemId: string, value: string): void {
		let set = this.#sets[kind].get(itemId);
		if (!set) this.#sets[kind].set(itemId, (set = new Set()));
		set.add(value);
	}

	remove(kind: 'tags', itemId: string, value: string): void {
		this.#sets[kind].get(itemId)?.delete(value);
	}

	tags(itemId: string): Iterable<string> {
		return this.#sets.tags.get(itemId) ?? [];
	}
	highlights(itemId: string): Iterable<string> {
		return this.#sets.highlights.get(itemId) ?? [];
	}
	notes(itemId: string): Iterable<string> {
		return this.#sets.notes.get(itemId) ?? [];
	}
	replies(itemId: string): Iterable<string> {
		return this.#sets.replies.get(itemId) ?? [];
	}
}

export class Replay {
	readonly doc = new Y.Doc();
	readonly index = new Index();
	/** The group member each token wrote as, learned from what it wrote (its profile, its saves). */
	readonly memberOfToken = new Map<string, string>();
	readonly #roots: GroupRoots;
	#touched = new Set<string>();
	#author: HistoryAuthor | null = null;
	readonly #rootNames = new WeakMap<Y.AbstractType<any>, string>();

	constructor(base: Uint8Array | null) {
		this.#roots = roots(this.doc);
		if (base) Y.applyUpdate(this.doc, base);
		const r = this.#roots;
		r.tags.forEach((_entry, k) => this.index.add('tags', itemOfKey(k), k.slice(k.indexOf(SEP) + 1)));
		r.highlights.forEach((entry, id) => {
			if (entry instanceof Y.Map) this.index.add('highlights', String(entry.get('itemId')), id);
		});
		r.notes.forEach((entry, id) => {
			if (entry instanceof Y.Map) this.index.add('notes', String(entry.get('itemId')), id);
		});
		r.replies.forEach((entry, id) => {
			if (entry instanceof Y.Map) this.index.add('replies', String(entry.get('itemId')), id);
		});
		this.doc.on('afterTransaction', (tr: Y.Transaction) => this.#observe(tr));
	}

	/** Item ids in the group now. */
	itemIds(): string[] {
		return [...this.#roots.items.keys()];
	}

	/**
	 * Applies logged updates of one author in one transaction (many small updates apply much faster
	 * together); returns the ids of the items they touched.
	 */
	apply(updates: readonly HistoryUpdate[]): Set<string> {
		this.#touched = new Set();
		this.#author = updates[0]?.author ?? null;
		this.doc.transact(() => {
			for (const update of updates) {
				try {
					Y.applyUpdate(this.doc, update.body);
				} catch {
					// A row the relay stored is whole; should one not apply, the rest of the history still does.
				}
			}
		});
		this.#author = null;
		return this.#touched;
	}

	#observe(tr: Y.Transaction): void {
		const r = this.#roots;
		for (const [changed, keys] of tr.changed) {
			const type = changed as unknown;
			if (type === r.fields || type === r.saves || type === r.items) {
				for (const k of keys) if (k !== null) this.#touch(itemOfKey(k));
				if (type === r.saves) for (const k of keys) if (k !== null) this.#learnMember(k.slice(k.indexOf(SEP) + 1));
			} else if (type === r.tags) {
				for (const k of keys) {
					if (k === null) continue;
					const itemId = itemOfKey(k);
					const tag = k.slice(k.indexOf(SEP) + 1);
					if (r.tags.has(k)) this.index.add('tags', itemId, tag);
					else this.index.remove('tags', itemId, tag);
					this.#touch(itemId);
				}
			} else if (type === r.highlights || type === r.notes || type === r.replies) {
				const kind = type === r.highlights ? 'highlights' : type === r.notes ? 'notes' : 'replies';
				for (const k of keys) {
					const entry = k === null ? null : (type as Y.Map<unknown>).get(k);
					if (!(entry instanceof Y.Map)) continue;
					const itemId = String(entry.get('itemId'));
					this.index.add(kind, itemId, k!);
					this.#touch(itemId);
				}
			} else if (type === r.members) {
				for (const k of keys) if (k !== null) this.#learnMember(k);
			} else {
				this.#touchNested(changed as Y.AbstractType<any>);
			}
		}
	}

	/** A change inside a highlight or note (its text, its trash mark), or to a description. */
	#touchNested(type: Y.AbstractType<any>): void {
		const r = this.#roots;
		let current: Y.AbstractType<any> = type;
		while (current._item) {
			const parent = current._item.parent as Y.AbstractType<any>;
			if ((parent === r.highlights || parent === r.notes || parent === r.replies) && current instanceof Y.Map) {
				this.#touch(String(current.get('itemId')));
				return;
			}
			current = parent;
		}
		const name = this.#rootName(current);
		if (name?.startsWith(DESCRIPTION_PREFIX)) this.#touch(name.slice(DESCRIPTION_PREFIX.length));
	}

	#rootName(type: Y.AbstractType<any>): string | undefined {
		let name = this.#rootNames.get(type);
		if (name === undefined) {
			for (const [key, value] of this.doc.share) this.#rootNames.set(value, key);
			name = this.#rootNames.get(type);
		}
		return name;
	}

	#touch(itemId: string): void {
		this.#touched.add(itemId);
	}

	#learnMember(memberId: string): void {
		if (this.#author && memberId && !this.memberOfToken.has(this.#author.tokenId)) this.memberOfToken.set(this.#author.tokenId, memberId);
	}
}
