// The conversations and moderation in a JSON backup: replies, flags and owners' hide decisions,
// checked here with the model's rules (plan) and written after the items they hang from (apply).
import * as Y from 'yjs';
import {
	LIMITS,
	ModelError,
	TARGET_KINDS,
	FLAG_REASON_LIMIT,
	addReply,
	cleanText,
	deleteReply,
	editReply,
	flag,
	roots,
	setHidden,
	type Actor,
	type ReplyParentKind,
	type TargetKind
} from '../../model/index';
import { asArray, asString, isObject } from './json';
import { validTime } from './plan';
import type { PlannedConversations, SkippedEntry } from './types';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const PARENT_KINDS: readonly string[] = ['note', 'highlight', 'reply'];
// eslint-disable-next-line no-control-regex
const MEMBER_ID = /^[^\u0000-\u001f\ud800-\udfff]{1,128}$/;
const TARGET_ID = /^[A-Za-z0-9_-]{1,128}$/;

function memberId(value: unknown): string | null {
	return typeof value === 'string' && MEMBER_ID.test(value) ? value : null;
}

function targetKind(value: unknown): TargetKind | null {
	return (TARGET_KINDS as readonly unknown[]).includes(value) ? (value as TargetKind) : null;
}

/** Reads the backup's replies, flags and decisions; an entry that cannot be used is skipped with the reason. */
export function planConversations(backup: Record<string, unknown>, skip: (where: string, reason: string) => void): PlannedConversations {
	const out: PlannedConversations = { replies: [], flags: [], hidden: [] };
	asArray(backup.replies).forEach((value, i) => {
		const where = `reply ${i + 1}`;
		const r = isObject(value) ? value : {};
		const text = cleanText(r.text, Number.MAX_SAFE_INTEGER, 'reply');
		const by = memberId(r.createdBy);
		if (!ID.test(asString(r.id)) || !PARENT_KINDS.includes(asString(r.parentKind)) || !ID.test(asString(r.parentId)) || !by) {
			return skip(where, 'It does not say which reply it is, what it answers, or who wrote it.');
		}
		if (!text.trim()) return skip(where, 'It has no text.');
		if (text.length > LIMITS.note) return skip(where, `It is ${text.length.toLocaleString('en')} characters long; the limit is ${LIMITS.note.toLocaleString('en')}.`);
		const deletedAt = r.deletedAt === null || r.deletedAt === undefined ? undefined : validTime(r.deletedAt);
		out.replies.push({
			id: asString(r.id),
			parentKind: asString(r.parentKind) as ReplyParentKind,
			parentId: asString(r.parentId),
			text,
			createdAt: validTime(r.createdAt),
			by,
			editedAt: r.editedAt === null ? undefined : validTime(r.editedAt),
			deletedAt
		});
	});
	asArray(backup.flags).forEach((value, i) => {
		const f = isObject(value) ? value : {};
		const kind = targetKind(f.kind);
		const by = memberId(f.memberId);
		const reason = cleanText(f.reason, Number.MAX_SAFE_INTEGER, 'reason').trim().slice(0, FLAG_REASON_LIMIT);
		if (!kind || !TARGET_ID.test(asString(f.id)) || !by || !reason) return skip(`flag ${i + 1}`, 'It does not say what was flagged, by whom, or why.');
		out.flags.push({ kind, id: asString(f.id), memberId: by, reason, at: validTime(f.at) });
	});
	asArray(backup.hidden).forEach((value, i) => {
		const h = isObject(value) ? value : {};
		const kind = targetKind(h.kind);
		const by = memberId(h.by);
		if (!kind || !TARGET_ID.test(asString(h.id)) || !by || typeof h.hidden !== 'boolean') return skip(`hide decision ${i + 1}`, 'It does not say what was hidden or by whom.');
		out.hidden.push({ kind, id: asString(h.id), hidden: h.hidden, by, at: validTime(h.at) });
	});
	return out;
}

function parentExists(doc: Y.Doc, kind: ReplyParentKind, id: string): boolean {
	const r = roots(doc);
	const map = kind === 'note' ? r.notes : kind === 'highlight' ? r.highlights : r.replies;
	return map.get(id) instanceof Y.Map;
}

/**
 * Writes them inside the import's transaction, after the items: replies parents first (whatever
 * their dates), then flags, then, for an owner's import only, the hide decisions (the relay drops
 * anyone else's, and the whole import with them). Model refusals skip the entry; they throw before
 * writing anything.
 */
export function applyConversations(
	doc: Y.Doc,
	as: (memberId: string, at: number | undefined) => Actor,
	planned: PlannedConversations,
	owner: boolean,
	skipped: SkippedEntry[]
): number {
	const attempt = (where: string, write: () => void): boolean => {
		try {
			write();
			return true;
		} catch (error) {
			if (!(error instanceof ModelError)) throw error;
			skipped.push({ where, reason: error.message });
			return false;
		}
	};
	let added = 0;
	const replies = roots(doc).replies;
	let waiting = planned.replies.filter((r) => !replies.has(r.id)).sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
	for (let progress = true; waiting.length && progress; ) {
		progress = false;
		const next: typeof waiting = [];
		for (const r of waiting) {
			if (!parentExists(doc, r.parentKind, r.parentId)) {
				next.push(r);
				continue;
			}
			progress = true;
			const ok = attempt(`reply ${r.id}`, () => addReply(doc, as(r.by, r.createdAt), { kind: r.parentKind, id: r.parentId }, { text: r.text, id: r.id, createdAt: r.createdAt }));
			if (!ok) continue;
			added++;
			if (r.editedAt !== undefined) attempt(`reply ${r.id}`, () => editReply(doc, as(r.by, r.editedAt), r.id, r.text));
			if (r.deletedAt !== undefined) attempt(`reply ${r.id}`, () => deleteReply(doc, as(r.by, r.deletedAt), r.id));
		}
		waiting = next;
	}
	for (const r of waiting) skipped.push({ where: `reply ${r.id}`, reason: 'What it answers is not in the backup.' });
	for (const f of planned.flags) attempt(`flag on ${f.kind} ${f.id}`, () => flag(doc, as(f.memberId, f.at), f, f.reason));
	if (owner) {
		for (const h of planned.hidden) attempt(`hide decision on ${h.kind} ${h.id}`, () => setHidden(doc, as(h.by, h.at), h, h.hidden));
	} else if (planned.hidden.length) {
		skipped.push({ where: 'hide decisions', reason: 'Only an owner’s import restores what owners hid; ask an owner to import this backup.' });
	}
	return added;
}
