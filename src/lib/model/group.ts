// The group itself: creation, name, and its members' profiles.
import type * as Y from 'yjs';
import { now, schemaVersionOf, isWritable, validMemberId, write } from './actor';
import { ModelError } from './errors';
import { SCHEMA_VERSION, roots } from './schema';
import { LIMITS, cleanLine } from './text';
import type { Actor, GroupInfo, Member } from './types';

const COLOR = /^#[0-9a-f]{6}$/i;

export interface GroupInput {
	name: string;
	member?: { name: string; color: string };
}

/** Starts a group in an empty document (works offline; the relay learns of it later). */
export function createGroup(doc: Y.Doc, actor: Actor, input: GroupInput): GroupInfo {
	const name = cleanLine(input.name, LIMITS.groupName, 'group name');
	if (!name) throw new ModelError('invalid-input', 'Give the group a name.');
	const profile = input.member ? checkProfile(input.member) : null;
	validMemberId(actor.memberId);
	write(doc, actor, () => {
		const { meta, members } = roots(doc);
		if (!meta.has('schemaVersion')) meta.set('schemaVersion', SCHEMA_VERSION);
		meta.set('name', name);
		if (!meta.has('createdAt')) {
			meta.set('createdAt', now(actor));
			meta.set('createdBy', actor.memberId);
		}
		if (profile) members.set(actor.memberId, { ...profile, joinedAt: now(actor) });
	});
	return getGroupInfo(doc);
}

export function renameGroup(doc: Y.Doc, actor: Actor, newName: string): void {
	const name = cleanLine(newName, LIMITS.groupName, 'group name');
	if (!name) throw new ModelError('invalid-input', 'Give the group a name.');
	write(doc, actor, () => roots(doc).meta.set('name', name));
}

function checkProfile(profile: { name: string; color: string }): { name: string; color: string } {
	const name = cleanLine(profile.name, LIMITS.memberName, 'display name');
	if (!name) throw new ModelError('invalid-input', 'Choose a display name.');
	if (!COLOR.test(profile.color)) throw new ModelError('invalid-input', 'A colour must look like #3366cc.');
	return { name, color: profile.color.toLowerCase() };
}

/** Sets the acting member's own display name and colour. */
export function setMemberProfile(doc: Y.Doc, actor: Actor, profile: { name: string; color: string }): Member {
	validMemberId(actor.memberId);
	const clean = checkProfile(profile);
	const members = roots(doc).members;
	const joinedAt = members.get(actor.memberId)?.joinedAt ?? now(actor);
	write(doc, actor, () => members.set(actor.memberId, { ...clean, joinedAt }));
	return { id: actor.memberId, ...clean, joinedAt };
}

export function getGroupInfo(doc: Y.Doc): GroupInfo {
	const meta = roots(doc).meta;
	return {
		id: doc.guid,
		name: typeof meta.get('name') === 'string' ? (meta.get('name') as string) : '',
		createdAt: Number(meta.get('createdAt') ?? 0),
		createdBy: String(meta.get('createdBy') ?? ''),
		schemaVersion: schemaVersionOf(doc),
		writable: isWritable(doc)
	};
}

export function hasGroup(doc: Y.Doc): boolean {
	return roots(doc).meta.has('schemaVersion');
}

export function listMembers(doc: Y.Doc): Member[] {
	const out: Member[] = [];
	roots(doc).members.forEach((entry, id) => {
		if (entry && typeof entry === 'object') {
			out.push({ id, name: String(entry.name), color: String(entry.color), joinedAt: Number(entry.joinedAt) || 0 });
		}
	});
	return out.sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id));
}

export function memberName(doc: Y.Doc, memberId: string): string {
	const entry = roots(doc).members.get(memberId);
	return entry?.name ? String(entry.name) : 'Unknown member';
}
