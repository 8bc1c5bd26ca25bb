// Threaded replies to a note, a highlight or another reply, to any depth. Each reply is a map under
// a random id in `replies` that only its author writes: its Markdown text is a Y.Text (so the
// author's devices merge like a note's), and only the author may edit, delete or restore it.
import * as Y from 'yjs';
import { newId, now, validMemberId, write } from './actor';
import { checkId } from './ids';
import { ModelError } from './errors';
import { roots } from './schema';
import { LIMITS, cleanText, replaceText } from './text';
import type { Actor, ReplyInput, ReplyParentKind, ThreadRoot } from './types';

interface Parent {
	itemId: string;
	root: ThreadRoot;
}

function requireParent(doc: Y.Doc, kind: ReplyParentKind, id: string): Parent {
	const r = roots(doc);
	const map = kind === 'note' ? r.notes : kind === 'highlight' ? r.highlights : kind === 'reply' ? r.replies : null;
	if (!map) throw new ModelError('invalid-input', 'A reply answers a note, a highlight or another reply.');
	const entry = map.get(id);
	if (!(entry instanceof Y.Map)) throw new ModelError('not-found', `That ${kind} is not in this group.`);
	const itemId = entry.get('itemId');
	if (typeof itemId !== 'string' || !r.items.has(itemId)) throw new ModelError('not-found', `That ${kind} is not in this group.`);
	if (kind === 'reply') {
		const root = entry.get('root') as ThreadRoot | undefined;
		if (!root || (root.kind !== 'note' && root.kind !== 'highlight')) throw new ModelError('not-found', 'That reply is not in this group.');
		return { itemId, root: { kind: root.kind, id: String(root.id) } };
	}
	return { itemId, root: { kind, id } };
}

function requireReply(doc: Y.Doc, replyId: string): Y.Map<unknown> {
	const entry = roots(doc).replies.get(replyId);
	if (!(entry instanceof Y.Map)) throw new ModelError('not-found', 'That reply is not in this group.');
	return entry;
}

/** The reply, if the actor wrote it; anyone else is refused before anything is written. */
function ownReply(doc: Y.Doc, actor: Actor, replyId: string, doing: string): Y.Map<unknown> {
	const entry = requireReply(doc, replyId);
	const created = entry.get('created') as { by?: unknown } | undefined;
	if (created?.by !== actor.memberId) {
		throw new ModelError('not-allowed', `Only the member who wrote a reply can ${doing} it.`);
	}
	return entry;
}

function replyText(entry: Y.Map<unknown>): Y.Text {
	const text = entry.get('text');
	if (text instanceof Y.Text) return text;
	throw new ModelError('invalid-input', 'This reply has no text.');
}

function cleanReply(text: unknown): string {
	const clean = cleanText(text, LIMITS.note, 'reply');
	if (!clean.trim()) throw new ModelError('invalid-input', 'Write something in the reply first.');
	return clean;
}

/** Adds a reply to a note, a highlight or a reply; with an `id` that already exists it changes nothing. */
export function addReply(doc: Y.Doc, actor: Actor, parent: { kind: ReplyParentKind; id: string }, input: ReplyInput): string {
	validMemberId(actor.memberId);
	const { itemId, root } = requireParent(doc, parent.kind, parent.id);
	const text = cleanReply(input.text);
	const id = input.id === undefined ? newId(actor) : checkId(input.id);
	const replies = roots(doc).replies;
	if (replies.has(id)) return id;
	write(doc, actor, () => {
		const entry = new Y.Map<unknown>();
		entry.set('itemId', itemId);
		entry.set('parent', { kind: parent.kind, id: parent.id });
		entry.set('root', root);
		entry.set('created', { at: input.createdAt ?? now(actor), by: actor.memberId });
		entry.set('text', new Y.Text(text));
		replies.set(id, entry);
	});
	return id;
}

/** The live Y.Text of a reply, for its author's co-editing across devices. */
export function replyTextOf(doc: Y.Doc, replyId: string): Y.Text {
	return replyText(requireReply(doc, replyId));
}

/** Replaces a reply's text by the smallest change; only its author may. */
export function editReply(doc: Y.Doc, actor: Actor, replyId: string, text: string): void {
	const entry = ownReply(doc, actor, replyId, 'edit');
	const clean = cleanReply(text);
	const ytext = replyText(entry);
	write(doc, actor, () => {
		replaceText(ytext, clean);
		entry.set('editedAt', now(actor));
	});
}

/** Moves a reply to the trash; the replies to it stay. Only its author may. */
export function deleteReply(doc: Y.Doc, actor: Actor, replyId: string): void {
	const entry = ownReply(doc, actor, replyId, 'delete');
	write(doc, actor, () => entry.set('deleted', { at: now(actor), by: actor.memberId }));
}

export function restoreReply(doc: Y.Doc, actor: Actor, replyId: string): void {
	const entry = ownReply(doc, actor, replyId, 'restore');
	write(doc, actor, () => entry.set('deleted', null));
}
