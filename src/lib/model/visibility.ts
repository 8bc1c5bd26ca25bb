// What a reader may see of what owners hid. Owners read everything (the app greys what is hidden);
// everyone else reads hidden things as placeholders with no text, and never the discussion under
// them; feeds and other readers outside the group leave hidden things out altogether.
import { isHidden } from './moderation';
import type { HiddenState, Item, Reply } from './types';

type Hidden = ReadonlyMap<string, HiddenState>;

/**
 * How hidden things are read: `placeholder` keeps each one (with its id, author and time, but no
 * text) so a page can say "Hidden by an owner"; `omit` leaves it out.
 */
export type Concealment = 'placeholder' | 'omit';

/**
 * Ids of the replies a member who is not an owner must not see: every reply in the thread of a
 * hidden note or highlight, and every reply below a hidden reply (not the hidden reply itself).
 */
export function repliesUnderHidden(replies: readonly Reply[], hidden: Hidden): Set<string> {
	const out = new Set<string>();
	if (hidden.size === 0) return out;
	const byId = new Map(replies.map((r) => [r.id, r]));
	// Walks up each reply's parents; `seen` guards against a cycle a hostile peer wrote.
	const concealed = (reply: Reply): boolean => {
		if (isHidden(hidden, reply.root)) return true;
		const seen = new Set<string>([reply.id]);
		let parent = reply.parentKind === 'reply' ? byId.get(reply.parentId) : undefined;
		if (reply.parentKind !== 'reply' && isHidden(hidden, { kind: reply.parentKind, id: reply.parentId })) return true;
		while (parent && !seen.has(parent.id)) {
			if (isHidden(hidden, { kind: 'reply', id: parent.id })) return true;
			seen.add(parent.id);
			parent = parent.parentKind === 'reply' ? byId.get(parent.parentId) : undefined;
		}
		return false;
	};
	for (const reply of replies) if (concealed(reply)) out.add(reply.id);
	return out;
}

/** Replies as a member who is not an owner reads them (see `Concealment`). */
export function visibleReplies(replies: readonly Reply[], hidden: Hidden, how: Concealment = 'placeholder'): Reply[] {
	if (hidden.size === 0) return [...replies];
	const under = repliesUnderHidden(replies, hidden);
	const out: Reply[] = [];
	for (const reply of replies) {
		if (under.has(reply.id)) continue;
		if (!isHidden(hidden, { kind: 'reply', id: reply.id })) out.push(reply);
		else if (how === 'placeholder') out.push({ ...reply, text: '' });
	}
	return out;
}

/**
 * An item as a member who is not an owner reads it: a hidden item keeps only who saved it and when;
 * hidden highlights, notes and replies lose their text (or, with `omit`, go), and the replies under
 * them go. Null when the item itself is hidden and `how` is `omit`.
 */
export function visibleItem(item: Item, hidden: Hidden, how: Concealment = 'placeholder'): Item | null {
	if (hidden.size === 0) return item;
	if (isHidden(hidden, { kind: 'item', id: item.id })) {
		if (how === 'omit') return null;
		return { ...item, url: '', title: '', site: '', image: '', favicon: '', description: '', tags: [], highlights: [], notes: [], replies: [] };
	}
	const highlights = [];
	for (const h of item.highlights) {
		if (!isHidden(hidden, { kind: 'highlight', id: h.id })) highlights.push(h);
		else if (how === 'placeholder') {
			const placeholder = { ...h, exact: '', prefix: '', suffix: '', note: '' };
			delete placeholder.position;
			highlights.push(placeholder);
		}
	}
	const notes = [];
	for (const n of item.notes) {
		if (!isHidden(hidden, { kind: 'note', id: n.id })) notes.push(n);
		else if (how === 'placeholder') notes.push({ ...n, text: '' });
	}
	const replies = visibleReplies(item.replies, hidden, how);
	// Nothing of it hidden: the item as it is, so a view that compares items sees it unchanged.
	if (same(highlights, item.highlights) && same(notes, item.notes) && same(replies, item.replies)) return item;
	return { ...item, highlights, notes, replies };
}

function same<T>(a: readonly T[], b: readonly T[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Items as a member who is not an owner reads them (see `visibleItem`). */
export function visibleItems(items: readonly Item[], hidden: Hidden, how: Concealment = 'placeholder'): Item[] {
	if (hidden.size === 0) return [...items];
	const out: Item[] = [];
	for (const item of items) {
		const seen = visibleItem(item, hidden, how);
		if (seen) out.push(seen);
	}
	return out;
}
