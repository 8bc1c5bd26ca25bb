// Writes on highlights (quoted passages with an optional note) and notes (members' comments).
import * as Y from 'yjs';
import { newId, now, validMemberId, write } from './actor';
import { ModelError } from './errors';
import { checkId } from './ids';
import { roots } from './schema';
import { LIMITS, cleanText, replaceText } from './text';
import type { Actor, HighlightInput, NoteInput, TextPositionSelector, TextQuoteSelector } from './types';
import { requireItem } from './items';

function newOrCheckedId(id: string | undefined, actor: Actor): string {
	return id === undefined ? newId(actor) : checkId(id);
}

function cleanSelector(input: Partial<TextQuoteSelector>): TextQuoteSelector {
	const exact = cleanText(input.exact, LIMITS.quote, 'highlighted passage');
	if (!exact.trim()) throw new ModelError('invalid-input', 'A highlight needs the passage it quotes.');
	return {
		exact,
		prefix: cleanText(input.prefix, LIMITS.context, 'text before the passage'),
		suffix: cleanText(input.suffix, LIMITS.context, 'text after the passage')
	};
}

/** Page text offsets must be whole, ordered and within any page a browser can hold. */
function cleanPosition(input: TextPositionSelector | undefined): TextPositionSelector | null {
	if (input === undefined) return null;
	const { start, end } = input ?? {};
	const valid = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= LIMITS.pageText;
	if (!valid(start) || !valid(end) || end <= start) {
		throw new ModelError('invalid-input', 'A highlight\'s position must be two whole offsets into the page, start before end.');
	}
	return { start, end };
}

/** A highlight's position selector as stored, or null when it has none (or a malformed one). */
export function readPosition(entry: Y.Map<unknown>): TextPositionSelector | null {
	const value = entry.get('position') as Partial<TextPositionSelector> | undefined;
	if (!value || typeof value !== 'object') return null;
	try {
		return cleanPosition({ start: value.start as number, end: value.end as number });
	} catch {
		return null;
	}
}

function requireEntry(map: Y.Map<Y.Map<unknown>>, id: string, what: string): Y.Map<unknown> {
	const entry = map.get(id);
	if (!(entry instanceof Y.Map)) throw new ModelError('not-found', `That ${what} is not in this group.`);
	return entry;
}

/** Adds a highlight to an item; with an `id` that already exists it changes nothing. */
export function addHighlight(doc: Y.Doc, actor: Actor, itemId: string, input: HighlightInput): string {
	validMemberId(actor.memberId);
	requireItem(doc, itemId);
	const selector = cleanSelector(input);
	const note = cleanText(input.note, LIMITS.note, 'note').trim();
	const position = cleanPosition(input.position);
	const id = newOrCheckedId(input.id, actor);
	const highlights = roots(doc).highlights;
	if (highlights.has(id)) return id;
	write(doc, actor, () => {
		const entry = new Y.Map<unknown>();
		entry.set('itemId', itemId);
		entry.set('quote', selector);
		if (position) entry.set('position', position);
		entry.set('created', { at: input.createdAt ?? now(actor), by: actor.memberId });
		entry.set('note', new Y.Text(note));
		highlights.set(id, entry);
	});
	return id;
}

export function editHighlight(
	doc: Y.Doc,
	actor: Actor,
	highlightId: string,
	edit: Partial<TextQuoteSelector> & { note?: string }
): void {
	const entry = requireEntry(roots(doc).highlights, highlightId, 'highlight');
	const current = readQuote(entry);
	const selector = cleanSelector({ ...current, ...stripUndefined(edit) });
	const changed = (['exact', 'prefix', 'suffix'] as const).some((k) => selector[k] !== current[k]);
	const note = edit.note === undefined ? undefined : cleanText(edit.note, LIMITS.note, 'note');
	write(doc, actor, () => {
		// The selector is one value: its three parts only make sense together.
		if (changed) entry.set('quote', selector);
		if (note !== undefined) replaceText(highlightNoteText(entry), note);
		entry.set('editedAt', now(actor));
	});
}

/** A highlight's selector as stored. */
export function readQuote(entry: Y.Map<unknown>): TextQuoteSelector {
	const quote = entry.get('quote') as Partial<TextQuoteSelector> | undefined;
	return { exact: String(quote?.exact ?? ''), prefix: String(quote?.prefix ?? ''), suffix: String(quote?.suffix ?? '') };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function highlightNoteText(entry: Y.Map<unknown>): Y.Text {
	const text = entry.get('note');
	if (text instanceof Y.Text) return text;
	throw new ModelError('invalid-input', 'This highlight has no note text.');
}

/** The live Y.Text of a highlight's note, for co-editing. */
export function highlightNote(doc: Y.Doc, highlightId: string): Y.Text {
	return highlightNoteText(requireEntry(roots(doc).highlights, highlightId, 'highlight'));
}

export function deleteHighlight(doc: Y.Doc, actor: Actor, highlightId: string): void {
	const entry = requireEntry(roots(doc).highlights, highlightId, 'highlight');
	write(doc, actor, () => entry.set('deleted', { at: now(actor), by: actor.memberId }));
}

export function restoreHighlight(doc: Y.Doc, actor: Actor, highlightId: string): void {
	const entry = requireEntry(roots(doc).highlights, highlightId, 'highlight');
	write(doc, actor, () => entry.set('deleted', null));
}

/** Adds a note (a comment in Markdown) to an item; with an `id` that already exists it changes nothing. */
export function addNote(doc: Y.Doc, actor: Actor, itemId: string, input: NoteInput): string {
	validMemberId(actor.memberId);
	requireItem(doc, itemId);
	const text = cleanText(input.text, LIMITS.note, 'note');
	if (!text.trim()) throw new ModelError('invalid-input', 'Write something in the note first.');
	const id = newOrCheckedId(input.id, actor);
	const notes = roots(doc).notes;
	if (notes.has(id)) return id;
	write(doc, actor, () => {
		const entry = new Y.Map<unknown>();
		entry.set('itemId', itemId);
		entry.set('created', { at: input.createdAt ?? now(actor), by: actor.memberId });
		entry.set('text', new Y.Text(text));
		notes.set(id, entry);
	});
	return id;
}

/** The live Y.Text of a note, for co-editing. */
export function noteText(doc: Y.Doc, noteId: string): Y.Text {
	const text = requireEntry(roots(doc).notes, noteId, 'note').get('text');
	if (text instanceof Y.Text) return text;
	throw new ModelError('invalid-input', 'This note has no text.');
}

/** Replaces a note's text by the smallest change, so concurrent typing elsewhere in it survives. */
export function editNote(doc: Y.Doc, actor: Actor, noteId: string, text: string): void {
	const entry = requireEntry(roots(doc).notes, noteId, 'note');
	const clean = cleanText(text, LIMITS.note, 'note');
	const ytext = noteText(doc, noteId);
	write(doc, actor, () => {
		replaceText(ytext, clean);
		entry.set('editedAt', now(actor));
	});
}

export function deleteNote(doc: Y.Doc, actor: Actor, noteId: string): void {
	const entry = requireEntry(roots(doc).notes, noteId, 'note');
	write(doc, actor, () => entry.set('deleted', { at: now(actor), by: actor.memberId }));
}

export function restoreNote(doc: Y.Doc, actor: Actor, noteId: string): void {
	const entry = requireEntry(roots(doc).notes, noteId, 'note');
	write(doc, actor, () => entry.set('deleted', null));
}
