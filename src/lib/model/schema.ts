// The shape of a group document: its root types, key layout and schema version.
// Everything two members may create at the same key holds plain values only (see README.md).
import * as Y from 'yjs';

/** The schema this code writes. A document with a higher version is read-only here. */
export const SCHEMA_VERSION = 1;

/** Separates the parts of composite map keys; cannot occur in ids, tags or member ids. */
export const SEP = '\u001f';

export type PlainValue = string | number | boolean | null;

/** Entry of `items`: what every peer derives the same way from the URL. */
export interface ItemEntry {
	url: string;
}

/** Entry of `saves`: one member bookmarking one item. */
export interface SaveEntry {
	at: number;
}

/** Entry of `tags`: who last added a tag to an item, and when. */
export interface TagEntry {
	by: string;
	at: number;
}

/** Entry of `members`: written only by that member. */
export interface MemberEntry {
	name: string;
	color: string;
	joinedAt: number;
}

export interface GroupRoots {
	meta: Y.Map<PlainValue>;
	members: Y.Map<MemberEntry>;
	items: Y.Map<ItemEntry>;
	saves: Y.Map<SaveEntry>;
	fields: Y.Map<PlainValue>;
	tags: Y.Map<TagEntry>;
	views: Y.Map<number>;
	highlights: Y.Map<Y.Map<unknown>>;
	notes: Y.Map<Y.Map<unknown>>;
	replies: Y.Map<Y.Map<unknown>>;
	flags: Y.Map<FlagEntry>;
	hidden: Y.Map<HiddenEntry>;
}

/** Entry of `flags` (key `kind␟target␟member`): one member's flag on one thing, written only by them. */
export interface FlagEntry {
	itemId: string;
	reason: string;
	at: number;
}

/** Entry of `hidden` (key `kind␟target`): an owner's last decision, one plain value so it merges whole. */
export interface HiddenEntry {
	itemId: string;
	hidden: boolean;
	by: string;
	at: number;
}

/** The root map of owners' hide decisions; the relay refuses writes to it from anyone but owners. */
export const HIDDEN_ROOT = 'hidden';

export function roots(doc: Y.Doc): GroupRoots {
	return {
		meta: doc.getMap('meta'),
		members: doc.getMap('members'),
		items: doc.getMap('items'),
		saves: doc.getMap('saves'),
		fields: doc.getMap('fields'),
		tags: doc.getMap('tags'),
		views: doc.getMap('views'),
		highlights: doc.getMap('highlights'),
		notes: doc.getMap('notes'),
		replies: doc.getMap('replies'),
		flags: doc.getMap('flags'),
		hidden: doc.getMap(HIDDEN_ROOT)
	};
}

/** The co-editable description of an item lives in a root-level text, which concurrent creators share. */
export function descriptionText(doc: Y.Doc, itemId: string): Y.Text {
	return doc.getText(`description${SEP}${itemId}`);
}

export function key(...parts: string[]): string {
	return parts.join(SEP);
}

export function splitKey(k: string): string[] {
	return k.split(SEP);
}

/** Item fields that merge independently, last writer wins per field. */
export const ITEM_FIELDS = ['title', 'site', 'image', 'favicon', 'pageDetailsAt', 'editedAt', 'deletedAt', 'deletedBy'] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];
