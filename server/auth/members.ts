// A group's members and invite links as its owner manages them: joining exchanges an invite for a
// member token of the joiner's own; the owner lists members, changes their role, or removes them.
import type { GroupAccess, IssuedToken } from './access';
import { refusals } from './refusals';
import type { TokenRecord } from './store';
import { hashToken, newToken } from './tokens';
import type { MemberRole, Refusal } from './types';

export interface MemberEntry {
	id: string;
	name: string;
	role: MemberRole;
	joinedAt: number;
	lastSeenAt: number | null;
	/** The invite link they joined with, when they joined with one. */
	invite: { id: string; label: string; single: boolean } | null;
}

export interface InviteEntry {
	id: string;
	role: MemberRole;
	label: string;
	createdAt: number;
	/** A single-use link lets one browser join; a multi-use link any number. */
	single: boolean;
	/** A single-use link's moment of use, null while unused (and always for multi-use links). */
	usedAt: number | null;
	/** Who joined with this link (members since removed are not listed). */
	joined: { id: string; name: string }[];
}

/**
 * Joins with `presented` (the token of `record`): an invite is exchanged for a new member token
 * named `name`; a member token (the creator's, an operator's link) is already the member's own,
 * and a name given with it renames the member.
 */
export function joinGroup(access: GroupAccess, record: TokenRecord, presented: string, name: string): IssuedToken | Refusal {
	if (record.kind === 'member') {
		if (name && name !== record.label) access.store.rename(record.id, name);
		return { token: presented, record: { ...record, label: name || record.label } };
	}
	const token = newToken();
	const member = access.store.redeemInvite(record, hashToken(token), name || record.label);
	if (!member) return record.maxUses === 1 ? refusals.inviteUsed() : refusals.revoked();
	return { token, record: member };
}

export function listMembers(access: GroupAccess, groupId: string): MemberEntry[] {
	const invites = new Map(access.store.allOfKind(groupId, 'invite').map((i) => [i.id, i]));
	return access.store.activeOfKind(groupId, 'member').map((m) => {
		const invite = m.inviteId ? invites.get(m.inviteId) : undefined;
		return {
			id: m.id,
			name: m.label,
			role: m.role,
			joinedAt: m.createdAt,
			lastSeenAt: m.lastSeenAt,
			invite: invite ? { id: invite.id, label: invite.label, single: invite.maxUses === 1 } : null
		};
	});
}

export function listInviteLinks(access: GroupAccess, groupId: string): InviteEntry[] {
	const members = access.store.activeOfKind(groupId, 'member');
	return access.store.activeOfKind(groupId, 'invite').map((i) => ({
		id: i.id,
		role: i.role,
		label: i.label,
		createdAt: i.createdAt,
		single: i.maxUses === 1,
		usedAt: i.usedAt,
		joined: members.filter((m) => m.inviteId === i.id).map((m) => ({ id: m.id, name: m.label }))
	}));
}

/** Changes a member's role; their live connections close and reconnect with it. False when unknown. */
export function changeRole(access: GroupAccess, groupId: string, memberId: string, role: MemberRole): boolean {
	if (access.store.setRole(groupId, memberId, role) === null) return false;
	access.pollRevocations();
	return true;
}

/** Removes a member: their token stops working and their live connections close at once. */
export function removeMember(access: GroupAccess, groupId: string, memberId: string): boolean {
	const record = access.store.token(groupId, memberId);
	if (!record || record.kind !== 'member') return false;
	return access.revoke(groupId, memberId, 'removed');
}
