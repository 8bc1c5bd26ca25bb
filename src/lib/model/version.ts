// An item's version: what its history shows and restores (title, site, description, tags, whether it
// is in the trash, its notes and highlights), read from the document, and written back as one edit.
import * as Y from 'yjs';
import { now, write } from './actor';
import { isDeletedEntry, readHighlight, readNote, readReply } from './read';
import { SEP, descriptionText, key, roots, splitKey } from './schema';
import { LIMITS, cleanLine, cleanText, parseTagList, replaceText } from './text';
import { requireItem } from './items';
import type { Actor } from './types';

export interface NoteVersion {
	id: string;
	text: string;
	createdBy: string;
	deleted: boolean;
}

export interface HighlightVersion {
	id: string;
	exact: string;
	note: string;
	createdBy: string;
	deleted: boolean;
}

export interface ReplyVersion {
	id: string;
	/** The note, highlight or reply it answers. */
	parentId: string;
	text: string;
	createdBy: string;
	deleted: boolean;
}

export interface ItemVersion {
	/** False before the item was saved (the version before its first entry). */
	exists: boolean;
	url: string;
	title: string;
	site: string;
	description: string;
	tags: string[];
	deleted: boolean;
	/** In the order they were created. */
	notes: NoteVersion[];
	highlights: HighlightVersion[];
	/** Replies to its notes and highlights, at any depth, in the order they were written. */
	replies: ReplyVersion[];
}

export const EMPTY_VERSION: ItemVersion = Object.freeze({
	exists: false,
	url: '',
	title: '',
	site: '',
	description: '',
	tags: [],
	deleted: false,
	notes: [],
	highlights: [],
	replies: []
}) as ItemVersion;

/** Where an item's tags, highlights and notes are, so reading one item does not walk the whole group. */
export interface ItemIndex {
	tags(itemId: string): Iterable<string>;
	highlights(itemId: string): Iterable<string>;
	notes(itemId: string): Iterable<string>;
	replies(itemId: string): Iterable<string>;
}

/** Walks the group's tags, highlights and notes for each read: fine for one read, slow for many. */
export function scanItemIndex(doc: Y.Doc): ItemIndex {
	const ids = (map: Y.Map<Y.Map<unknown>>, itemId: string) => {
		const out: string[] = [];
		map.forEach((entry, id) => {
			if (entry instanceof Y.Map && entry.get('itemId') === itemId) out.push(id);
		});
		return out;
	};
	const tags = (itemId: string) => {
		const prefix = itemId + SEP;
		const out: string[] = [];
		for (const k of roots(doc).tags.keys()) if (k.startsWith(prefix)) out.push(splitKey(k)[1]);
		return out;
	};
	return {
		tags,
		highlights: (itemId) => ids(roots(doc).highlights, itemId),
		notes: (itemId) => ids(roots(doc).notes, itemId),
		replies: (itemId) => ids(roots(doc).replies, itemId)
	};
}

function byCreated(a: { at: number; id: string }, b: { at: number; id: string }): number {
	return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function str(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** The item's version as the document holds it now. */
export function readItemVersion(doc: Y.Doc, itemId: string, index: ItemIndex = scanItemIndex(doc)): ItemVersion {
	const r = roots(doc);
	const item = r.items.get(itemId);
	if (!item) return EMPTY_VERSION;
	const field = (name: string) => r.fields.get(key(itemId, name));
	const tags = [...new Set(index.tags(itemId))];
	const notes: (NoteVersion & { at: number })[] = [];
	for (const id of index.notes(itemId)) {
		const entry = r.notes.get(id);
		if (!(entry instanceof Y.Map)) continue;
		const note = readNote(id, entry);
		notes.push({ id, text: note.text, createdBy: note.createdBy, deleted: isDeletedEntry(entry), at: note.createdAt });
	}
	const highlights: (HighlightVersion & { at: number })[] = [];
	for (const id of index.highlights(itemId)) {
		const entry = r.highlights.get(id);
		if (!(entry instanceof Y.Map)) continue;
		const h = readHighlight(id, entry);
		highlights.push({ id, exact: h.exact, note: h.note, createdBy: h.createdBy, deleted: isDeletedEntry(entry), at: h.createdAt });
	}
	const replies: (ReplyVersion & { at: number })[] = [];
	for (const id of index.replies(itemId)) {
		const entry = r.replies.get(id);
		if (!(entry instanceof Y.Map)) continue;
		const reply = readReply(id, entry);
		replies.push({ id, parentId: reply.parentId, text: reply.text, createdBy: reply.createdBy, deleted: isDeletedEntry(entry), at: reply.createdAt });
	}
	return {
		exists: true,
		url: str(item.url),
		title: str(field('title')),
		site: str(field('site')),
		description: doc.share.has(`description${SEP}${itemId}`) ? descriptionText(doc, itemId).toString().trim() : '',
		tags: tags.sort(),
		deleted: typeof field('deletedAt') === 'number' && Boolean(field('deletedAt')),
		notes: notes.sort(byCreated).map(({ at: _at, ...note }) => note),
		highlights: highlights.sort(byCreated).map(({ at: _at, ...highlight }) => highlight),
		replies: replies.sort(byCreated).map(({ at: _at, ...reply }) => reply)
	};
}

/**
 * Writes an older version of an item back as one new edit (nothing earlier is rewritten): its title,
 * site and description (the texts by the smallest change), its tags as a set, and its notes and
 * highlights as they were — their texts, and in or out of the trash (those made later go to the trash).
 * Replies are left as they are: only their authors may change them.
 */
export function restoreItemVersion(doc: Y.Doc, actor: Actor, itemId: string, version: ItemVersion): void {
	requireItem(doc, itemId);
	// Checked like any edit before the transaction starts, so a bad version changes nothing.
	version = {
		...version,
		title: cleanLine(version.title, LIMITS.title, 'title'),
		site: cleanLine(version.site, LIMITS.site, 'site name'),
		description: cleanText(version.description, LIMITS.description, 'description').trim(),
		tags: parseTagList(version.tags),
		notes: version.notes.map((n) => ({ ...n, text: cleanText(n.text, LIMITS.note, 'note') })),
		highlights: version.highlights.map((h) => ({ ...h, note: cleanText(h.note, LIMITS.note, 'note') }))
	};
	const current = readItemVersion(doc, itemId);
	const r = roots(doc);
	write(doc, actor, () => {
		const setField = (name: string, value: unknown) => r.fields.set(key(itemId, name), value as never);
		if (current.title !== version.title) setField('title', version.title);
		if (current.site !== version.site) setField('site', version.site);
		if (current.description !== version.description) replaceText(descriptionText(doc, itemId), version.description);
		const wanted = new Set(version.tags);
		for (const tag of current.tags) if (!wanted.has(tag)) r.tags.delete(key(itemId, tag));
		for (const tag of wanted) if (!current.tags.includes(tag)) r.tags.set(key(itemId, tag), { by: actor.memberId, at: now(actor) });
		if (current.deleted !== version.deleted) {
			setField('deletedAt', version.deleted ? now(actor) : null);
			setField('deletedBy', version.deleted ? actor.memberId : null);
		}
		const restoreEntries = (map: Y.Map<Y.Map<unknown>>, ids: string[], old: Map<string, { text: string; deleted: boolean }>, textKey: string) => {
			for (const id of ids) {
				const entry = map.get(id);
				if (!(entry instanceof Y.Map)) continue;
				const was = old.get(id);
				const deleted = was ? was.deleted : true;
				if (isDeletedEntry(entry) !== deleted) entry.set('deleted', deleted ? { at: now(actor), by: actor.memberId } : null);
				const text = entry.get(textKey);
				if (was && text instanceof Y.Text && text.toString() !== was.text) {
					replaceText(text, was.text);
					entry.set('editedAt', now(actor));
				}
			}
		};
		restoreEntries(r.notes, current.notes.map((n) => n.id), new Map(version.notes.map((n) => [n.id, n])), 'text');
		restoreEntries(r.highlights, current.highlights.map((h) => h.id), new Map(version.highlights.map((h) => [h.id, { text: h.note, deleted: h.deleted }])), 'note');
		setField('editedAt', now(actor));
	});
}
