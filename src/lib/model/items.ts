// Writes on items: save, edit, delete and restore, tags and view counts.
import type * as Y from 'yjs';
import { bookkeepingOrigin, now, validMemberId, write } from './actor';
import { ModelError } from './errors';
import { descriptionText, key, roots, splitKey, SEP, type ItemField, type PlainValue } from './schema';
import { LIMITS, cleanLine, cleanText, normalizeTag, parseTagList, replaceText } from './text';
import type { Actor, ItemEdit, ItemInput, PageDetails } from './types';
import { hash64, legacyItemIdForUrl, normalizeUrl, siteFromUrl } from './url';

/** Separates descriptions written concurrently by different members, trimmed away on read. */
const DESCRIPTION_END = '\n\n';

export function field(doc: Y.Doc, itemId: string, name: ItemField): PlainValue | undefined {
	return roots(doc).fields.get(key(itemId, name));
}

function setField(doc: Y.Doc, itemId: string, name: ItemField, value: PlainValue): void {
	const fields = roots(doc).fields;
	const k = key(itemId, name);
	if (fields.get(k) !== value) fields.set(k, value);
}

export function hasItem(doc: Y.Doc, itemId: string): boolean {
	return roots(doc).items.has(itemId);
}

/**
 * The id of the item already holding this URL, or null. Items saved before route fragments were kept
 * and queries left as written are keyed by the older form, so that key is tried second.
 */
export function findItemIdForUrl(doc: Y.Doc, url: string): string | null {
	const items = roots(doc).items;
	const id = hash64(normalizeUrl(url));
	if (items.has(id)) return id;
	const legacy = legacyItemIdForUrl(url);
	return legacy !== null && items.has(legacy) ? legacy : null;
}

export function requireItem(doc: Y.Doc, itemId: string): void {
	if (!hasItem(doc, itemId)) {
		throw new ModelError('not-found', 'That item is not in this group. It may not have synced yet.');
	}
}

interface CleanItem {
	url: string;
	itemId: string;
	title: string;
	site: string;
	image: string;
	favicon: string;
	pageDetailsAt: number | undefined;
	description: string;
	tags: string[];
	createdAt: number | undefined;
}

/** An image's address (preview or icon): '' for none, else a web address like a page's. */
function imageUrl(input: string | undefined): string {
	return input && input.trim() ? normalizeUrl(input) : '';
}

function validTime(at: number | undefined, what: string): number | undefined {
	if (at !== undefined && !(Number.isFinite(at) && at >= 0)) {
		throw new ModelError('invalid-input', `The ${what} is not a valid time.`);
	}
	return at;
}

function cleanItemInput(input: ItemInput): CleanItem {
	const url = normalizeUrl(input.url);
	const tags = parseTagList(input.tags ?? []);
	if (tags.length > LIMITS.tagsPerItem) {
		throw new ModelError('too-long', `An item can carry at most ${LIMITS.tagsPerItem} tags.`);
	}
	const image = imageUrl(input.image);
	const favicon = imageUrl(input.favicon);
	const createdAt = validTime(input.createdAt, 'saved date');
	const pageDetailsAt = validTime(input.pageDetailsAt, 'time the page was read');
	return {
		url,
		itemId: hash64(url),
		title: cleanLine(input.title, LIMITS.title, 'title'),
		site: cleanLine(input.site, LIMITS.site, 'site name'),
		image,
		favicon,
		pageDetailsAt,
		description: cleanText(input.description, LIMITS.description, 'description').trim(),
		tags,
		createdAt
	};
}

export interface AddResult {
	itemId: string;
	/** False when the page was already in the group and the input was merged into it. */
	created: boolean;
}

/**
 * Saves a page. A page already in the group (by normalised URL) is one item: tags are added,
 * empty fields filled, and a deleted item comes back from the trash.
 */
export function addItem(doc: Y.Doc, actor: Actor, input: ItemInput): AddResult {
	validMemberId(actor.memberId);
	const clean = cleanItemInput(input);
	const existingId = findItemIdForUrl(doc, clean.url);
	const item = existingId === null ? clean : { ...clean, itemId: existingId, url: String(roots(doc).items.get(existingId)?.url ?? clean.url) };
	const { items, saves } = roots(doc);
	const created = !items.has(item.itemId);
	write(doc, actor, () => {
		const at = item.createdAt ?? now(actor);
		if (created) items.set(item.itemId, { url: item.url });
		const saveKey = key(item.itemId, actor.memberId);
		const previous = saves.get(saveKey);
		if (!previous || previous.at > at) saves.set(saveKey, { at });
		if (item.title && !field(doc, item.itemId, 'title')) setField(doc, item.itemId, 'title', item.title);
		const site = item.site || siteFromUrl(item.url);
		if (site && !field(doc, item.itemId, 'site')) setField(doc, item.itemId, 'site', site);
		if (item.image && !field(doc, item.itemId, 'image')) setField(doc, item.itemId, 'image', item.image);
		if (item.favicon && !field(doc, item.itemId, 'favicon')) setField(doc, item.itemId, 'favicon', item.favicon);
		if (item.pageDetailsAt !== undefined && !field(doc, item.itemId, 'pageDetailsAt')) {
			setField(doc, item.itemId, 'pageDetailsAt', item.pageDetailsAt);
		}
		if (item.description) {
			const text = descriptionText(doc, item.itemId);
			const current = text.toString();
			if (!current.includes(item.description)) text.insert(text.length, item.description + DESCRIPTION_END);
		}
		if (field(doc, item.itemId, 'deletedAt')) {
			setField(doc, item.itemId, 'deletedAt', null);
			setField(doc, item.itemId, 'deletedBy', null);
		}
		for (const tag of item.tags) addTagEntry(doc, actor, item.itemId, tag);
	});
	return { itemId: item.itemId, created };
}

/** Changes an item's title, site name, image or description (the text by minimal change). */
export function editItem(doc: Y.Doc, actor: Actor, itemId: string, edit: ItemEdit): void {
	requireItem(doc, itemId);
	const title = edit.title === undefined ? undefined : cleanLine(edit.title, LIMITS.title, 'title');
	const site = edit.site === undefined ? undefined : cleanLine(edit.site, LIMITS.site, 'site name');
	const image = edit.image === undefined ? undefined : edit.image.trim() ? normalizeUrl(edit.image) : '';
	const description =
		edit.description === undefined ? undefined : cleanText(edit.description, LIMITS.description, 'description');
	write(doc, actor, () => {
		if (title !== undefined) setField(doc, itemId, 'title', title);
		if (site !== undefined) setField(doc, itemId, 'site', site);
		if (image !== undefined) setField(doc, itemId, 'image', image);
		if (description !== undefined) replaceText(descriptionText(doc, itemId), description);
		setField(doc, itemId, 'editedAt', now(actor));
	});
}

/**
 * Fills what an item lacks from its page's details (read by the relay): a field a member wrote is
 * never replaced. Records that the page was read, so it is read once, whichever member's app did it.
 * Bookkeeping, not an edit: pass a bookkeeping origin (`bookkeepingOrigin`) when it runs by itself.
 */
export function fillPageDetails(doc: Y.Doc, actor: Actor, itemId: string, details: PageDetails): void {
	requireItem(doc, itemId);
	const title = cleanLine(details.title, LIMITS.title, 'title');
	const site = cleanLine(details.site, LIMITS.site, 'site name');
	const description = cleanText(details.description, LIMITS.description, 'description').trim();
	const image = imageUrl(details.image);
	const favicon = imageUrl(details.favicon);
	write(doc, actor, () => {
		const fill = (name: ItemField, value: string) => {
			if (value && !field(doc, itemId, name)) setField(doc, itemId, name, value);
		};
		fill('title', title);
		// The site name saved by default is the host; the page's own name is better.
		if (site && (!field(doc, itemId, 'site') || field(doc, itemId, 'site') === siteFromUrl(String(roots(doc).items.get(itemId)?.url ?? '')))) {
			setField(doc, itemId, 'site', site);
		}
		fill('image', image);
		fill('favicon', favicon);
		if (description && !readDescription(doc, itemId)) descriptionText(doc, itemId).insert(0, description + DESCRIPTION_END);
		setField(doc, itemId, 'pageDetailsAt', now(actor));
	});
}

/** The item's description as shown, without the separators between concurrent writers. */
export function readDescription(doc: Y.Doc, itemId: string): string {
	return descriptionText(doc, itemId).toString().trim();
}

/** Moves an item to the trash; its highlights and notes go with it and come back with it. */
export function deleteItem(doc: Y.Doc, actor: Actor, itemId: string): void {
	requireItem(doc, itemId);
	write(doc, actor, () => {
		setField(doc, itemId, 'deletedAt', now(actor));
		setField(doc, itemId, 'deletedBy', actor.memberId);
	});
}

export function restoreItem(doc: Y.Doc, actor: Actor, itemId: string): void {
	requireItem(doc, itemId);
	write(doc, actor, () => {
		setField(doc, itemId, 'deletedAt', null);
		setField(doc, itemId, 'deletedBy', null);
	});
}

function addTagEntry(doc: Y.Doc, actor: Actor, itemId: string, tag: string, always = false): void {
	// Saving or setting tags only adds what is missing, so a repeated import changes nothing; an explicit
	// add always writes the key again, so it wins over a removal that has not seen it.
	const tags = roots(doc).tags;
	const k = key(itemId, tag);
	if (!always && tags.has(k)) return;
	tags.set(k, { by: actor.memberId, at: now(actor) });
}

/**
 * Tags are one map key per item and tag. A Y.Map delete removes only the value it has seen, so an add
 * made concurrently with a remove survives it (add wins), as in an observed-remove set.
 */
export function addTags(doc: Y.Doc, actor: Actor, itemId: string, tags: string | readonly string[]): string[] {
	requireItem(doc, itemId);
	const clean = parseTagList(tags);
	write(doc, actor, () => {
		for (const tag of clean) addTagEntry(doc, actor, itemId, tag, true);
	});
	return clean;
}

export function removeTag(doc: Y.Doc, actor: Actor, itemId: string, tag: string): void {
	requireItem(doc, itemId);
	const clean = normalizeTag(tag);
	const tags = roots(doc).tags;
	const k = key(itemId, clean);
	if (!tags.has(k)) return;
	write(doc, actor, () => tags.delete(k));
}

/** Makes an item's tags exactly `tags`: adds what is new, removes what is gone, in one action. */
export function setTags(doc: Y.Doc, actor: Actor, itemId: string, tags: string | readonly string[]): void {
	requireItem(doc, itemId);
	const wanted = new Set(parseTagList(tags));
	if (wanted.size > LIMITS.tagsPerItem) {
		throw new ModelError('too-long', `An item can carry at most ${LIMITS.tagsPerItem} tags.`);
	}
	const current = itemTags(doc, itemId);
	write(doc, actor, () => {
		for (const tag of current) if (!wanted.has(tag)) roots(doc).tags.delete(key(itemId, tag));
		for (const tag of wanted) addTagEntry(doc, actor, itemId, tag);
	});
}

export function itemTags(doc: Y.Doc, itemId: string): string[] {
	const prefix = itemId + SEP;
	const out = new Set<string>();
	for (const k of roots(doc).tags.keys()) if (k.startsWith(prefix)) out.add(splitKey(k)[1]);
	return [...out].sort();
}

/**
 * Counts one view by the acting member. Each document instance (client id) writes its own counter,
 * so views from several devices, online or not, add up. A view is bookkeeping, not an edit: it is
 * written under a bookkeeping origin (not undone, not counted as a change waiting for the relay).
 */
export function countView(doc: Y.Doc, actor: Actor, itemId: string): void {
	requireItem(doc, itemId);
	validMemberId(actor.memberId);
	const views = roots(doc).views;
	const k = key(itemId, actor.memberId, String(doc.clientID));
	write(doc, actor.bookkeeping ? actor : bookkeepingOrigin(actor), () => views.set(k, (views.get(k) ?? 0) + 1));
}
