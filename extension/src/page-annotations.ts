// What a group holds for one page: its live highlights (with each member's colour) and notes.
// Reads the document directly rather than the whole group, so a page's update stays cheap. What an
// owner hid is left out (the app shows it to owners, greyed).
import * as Y from 'yjs';
import { isDeletedEntry, isHidden, readHidden, readHighlight, readNote, roots, type Highlight, type Note } from '$lib/model';
import { MEMBER_COLORS } from '$lib/storage/registry';
import type { PageHighlight } from './messages';

export interface PageAnnotations {
	highlights: Highlight[];
	notes: Note[];
}

export function readPageAnnotations(doc: Y.Doc, itemId: string): PageAnnotations {
	const highlights: Highlight[] = [];
	const notes: Note[] = [];
	const { highlights: hs, notes: ns } = roots(doc);
	const hidden = readHidden(doc);
	hs.forEach((entry, id) => {
		if (entry instanceof Y.Map && entry.get('itemId') === itemId && !isDeletedEntry(entry) && !isHidden(hidden, { kind: 'highlight', id })) highlights.push(readHighlight(id, entry));
	});
	ns.forEach((entry, id) => {
		if (entry instanceof Y.Map && entry.get('itemId') === itemId && !isDeletedEntry(entry) && !isHidden(hidden, { kind: 'note', id })) notes.push(readNote(id, entry));
	});
	const byCreated = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) => a.createdAt - b.createdAt || a.id.localeCompare(b.id);
	return { highlights: highlights.sort(byCreated), notes: notes.sort(byCreated) };
}

/** A member's colour as the group knows it, or one from the app's palette picked by their id. */
export function memberColor(doc: Y.Doc, memberId: string): string {
	const entry = roots(doc).members.get(memberId) as { color?: unknown } | undefined;
	if (typeof entry?.color === 'string' && /^#[0-9a-f]{6}$/i.test(entry.color)) return entry.color;
	let h = 0;
	for (let i = 0; i < memberId.length; i++) h = (h * 31 + memberId.charCodeAt(i)) >>> 0;
	return MEMBER_COLORS[h % MEMBER_COLORS.length];
}

export function memberNameOf(doc: Y.Doc, memberId: string): string {
	const entry = roots(doc).members.get(memberId) as { name?: unknown } | undefined;
	return typeof entry?.name === 'string' && entry.name ? entry.name : 'A member';
}

export function toPageHighlights(doc: Y.Doc, highlights: Highlight[]): PageHighlight[] {
	return highlights.map((h) => ({
		id: h.id,
		exact: h.exact,
		prefix: h.prefix,
		suffix: h.suffix,
		...(h.position ? { position: h.position } : {}),
		color: memberColor(doc, h.createdBy),
		memberName: memberNameOf(doc, h.createdBy)
	}));
}
