// Moderation: any member flags an item, highlight, note or reply with a reason (one flag per member
// per target, a key only that member writes), and owners hide or restore it (one flat key per
// target holding a plain value, so concurrent decisions are last writer wins and nothing nested is
// lost). Only owners may write `hidden`: the relay drops anyone else's writes to it.
import * as Y from 'yjs';
import { now, validMemberId, write } from './actor';
import { ModelError } from './errors';
import { key, roots, splitKey } from './schema';
import { cleanText } from './text';
import { TARGET_KINDS, type Actor, type Flag, type HiddenState, type Target, type TargetKind } from './types';

/** The longest reason a flag may give. */
export const FLAG_REASON_LIMIT = 500;

function checkTarget(target: Target): Target {
	if (!TARGET_KINDS.includes(target?.kind)) throw new ModelError('invalid-input', 'Only an item, a highlight, a note or a reply can be flagged or hidden.');
	if (typeof target.id !== 'string' || !target.id) throw new ModelError('invalid-input', 'Say which thing to flag or hide.');
	return target;
}

/** The item a target belongs to; throws when the target is not in the group. */
export function targetItemId(doc: Y.Doc, target: Target): string {
	const r = roots(doc);
	checkTarget(target);
	if (target.kind === 'item') {
		if (!r.items.has(target.id)) throw new ModelError('not-found', 'That item is not in this group.');
		return target.id;
	}
	const map = target.kind === 'highlight' ? r.highlights : target.kind === 'note' ? r.notes : r.replies;
	const entry = map.get(target.id);
	const itemId = entry instanceof Y.Map ? entry.get('itemId') : undefined;
	if (typeof itemId !== 'string') throw new ModelError('not-found', `That ${target.kind} is not in this group.`);
	return itemId;
}

export function targetKey(target: Target): string {
	return key(target.kind, target.id);
}

/** The target a `targetKey` names. */
export function splitTargetKey(k: string): Target {
	const [kind, id] = splitKey(k);
	return { kind: kind as TargetKind, id };
}

/** Flags a target with a reason; flagging again replaces this member's own reason. */
export function flag(doc: Y.Doc, actor: Actor, target: Target, reason: string): void {
	validMemberId(actor.memberId);
	const itemId = targetItemId(doc, target);
	const clean = cleanText(reason, FLAG_REASON_LIMIT, 'reason').trim();
	if (!clean) throw new ModelError('invalid-input', 'Say why you flag it, so the owners know what to look at.');
	write(doc, actor, () => roots(doc).flags.set(key(target.kind, target.id, actor.memberId), { itemId, reason: clean, at: now(actor) }));
}

/** Takes back this member's own flag. */
export function unflag(doc: Y.Doc, actor: Actor, target: Target): void {
	checkTarget(target);
	const k = key(target.kind, target.id, actor.memberId);
	const flags = roots(doc).flags;
	if (!flags.has(k)) return;
	write(doc, actor, () => flags.delete(k));
}

/** An owner hides a target (or, with `hidden` false, restores it). The relay refuses it from others. */
export function setHidden(doc: Y.Doc, actor: Actor, target: Target, hidden: boolean): void {
	validMemberId(actor.memberId);
	const itemId = targetItemId(doc, target);
	write(doc, actor, () => roots(doc).hidden.set(targetKey(target), { itemId, hidden, by: actor.memberId, at: now(actor) }));
}

function isKind(value: string): value is TargetKind {
	return (TARGET_KINDS as readonly string[]).includes(value);
}

/** Every flag in the group, oldest first. */
export function readFlags(doc: Y.Doc): Flag[] {
	const out: Flag[] = [];
	roots(doc).flags.forEach((entry, k) => {
		const [kind, id, memberId] = splitKey(k);
		if (!isKind(kind) || !id || !memberId || !entry || typeof entry !== 'object') return;
		out.push({ kind, id, memberId, itemId: String(entry.itemId ?? ''), reason: String(entry.reason ?? ''), at: Number(entry.at) || 0 });
	});
	return out.sort((a, b) => a.at - b.at || (a.memberId < b.memberId ? -1 : 1));
}

/** The owners' decisions, by `targetKey`. */
export function readHidden(doc: Y.Doc): Map<string, HiddenState & { itemId: string }> {
	const out = new Map<string, HiddenState & { itemId: string }>();
	roots(doc).hidden.forEach((entry, k) => {
		const [kind, id] = splitKey(k);
		if (!isKind(kind) || !id || !entry || typeof entry !== 'object') return;
		out.set(k, { itemId: String(entry.itemId ?? ''), hidden: entry.hidden === true, by: String(entry.by ?? ''), at: Number(entry.at) || 0 });
	});
	return out;
}

/** Whether an owner hid this target (and has not restored it). */
export function isHidden(hidden: ReadonlyMap<string, HiddenState>, target: Target): boolean {
	return hidden.get(targetKey(target))?.hidden === true;
}
