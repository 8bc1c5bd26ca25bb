// Joining with single- and multi-use invites, the member list, role changes and removal, against a
// real SQLite file and a real PostgreSQL schema.
import { describe, expect, it } from 'vitest';
import { tokenBackendNames, useTokenBackend } from '../../tests/helpers/token-backends.ts';
import { GroupAccess, type IssuedToken } from './access';
import { changeRole, joinGroup, listInviteLinks, listMembers, removeMember } from './members';
import { newToken } from './tokens';
import type { Refusal, SyncGrant } from './types';

describe.each(tokenBackendNames)('on %s', (backendName) => {
	const backend = useTokenBackend(backendName);

	async function groupWithOwner() {
		const access = new GroupAccess(backend.source(), { host: '127.0.0.1' });
		const ownerToken = newToken();
		const grant = await access.authorizeSync({ groupId: 'g1', token: ownerToken, create: true, createToken: null, remoteAddress: '10.0.0.1' });
		expect(grant.ok).toBe(true);
		return { access, ownerToken, ownerId: (grant as SyncGrant).tokenId };
	}

	const sync = (access: GroupAccess, token: string) =>
		access.authorizeSync({ groupId: 'g1', token, create: false, createToken: null, remoteAddress: '10.0.0.2' });

	function joinWith(access: GroupAccess, token: string, name: string): IssuedToken | Refusal {
		const record = access.authenticate('g1', token, '10.0.0.2');
		if ('ok' in record) return record;
		return joinGroup(access, record, token, name);
	}

	describe('a single-use invite', () => {
		it('lets one browser join, refuses a second one in words, and keeps the first one’s own token working', async () => {
			const { access } = await groupWithOwner();
			const invite = access.createInvite('g1', 'editor', 'Ana', 1);
			// The link itself never syncs: joining exchanges it for the member's own token.
			expect(sync(access, invite.token)).toMatchObject({ ok: false, reason: 'invite-not-joined', closeCode: 4407 });

			const ana = joinWith(access, invite.token, 'Ana');
			expect('token' in ana && ana.token).not.toBe(invite.token);
			const anaToken = (ana as IssuedToken).token;
			expect(sync(access, anaToken)).toMatchObject({ ok: true, role: 'editor' });

			const second = joinWith(access, invite.token, 'Someone else');
			expect(second).toMatchObject({
				ok: false,
				closeCode: 4406,
				message: 'This invite link has already been used — ask the group’s owner for a new one.'
			});
			expect(sync(access, invite.token)).toMatchObject({ ok: false, reason: 'invite-used' });
			// Ana's own browser reconnects as often as it likes.
			expect(sync(access, anaToken)).toMatchObject({ ok: true, role: 'editor' });
			expect(listMembers(access, 'g1').map((m) => m.name)).toEqual(['Created the group', 'Ana']);
		});
	});

	describe('a multi-use invite', () => {
		it('gives everyone who joins a token of their own, listed under the link they used', async () => {
			const { access } = await groupWithOwner();
			const invite = access.createInvite('g1', 'viewer', 'Reading club');
			const bo = joinWith(access, invite.token, 'Bo') as IssuedToken;
			const cy = joinWith(access, invite.token, 'Cy') as IssuedToken;
			expect(new Set([bo.token, cy.token, invite.token]).size).toBe(3);
			expect(sync(access, bo.token)).toMatchObject({ ok: true, role: 'viewer' });
			const links = listInviteLinks(access, 'g1');
			expect(links).toEqual([
				expect.objectContaining({ id: invite.record.id, single: false, usedAt: expect.any(Number), joined: [{ id: bo.record.id, name: 'Bo' }, { id: cy.record.id, name: 'Cy' }] })
			]);
			const members = listMembers(access, 'g1');
			expect(members.find((m) => m.name === 'Cy')).toMatchObject({ role: 'viewer', invite: { id: invite.record.id, label: 'Reading club', single: false } });
			// Revoking the link stops new joins; those who joined stay until the owner removes them.
			expect(access.revoke('g1', invite.record.id)).toBe(true);
			expect(joinWith(access, invite.token, 'Di')).toMatchObject({ ok: false, reason: 'revoked' });
			expect(sync(access, bo.token)).toMatchObject({ ok: true });
		});

		it('joining with a member’s own token keeps the token and only renames the member', async () => {
			const { access, ownerToken, ownerId } = await groupWithOwner();
			const again = joinWith(access, ownerToken, 'Olga') as IssuedToken;
			expect(again).toMatchObject({ token: ownerToken, record: { id: ownerId } });
			expect(listMembers(access, 'g1')).toEqual([expect.objectContaining({ id: ownerId, name: 'Olga', role: 'owner' })]);
		});
	});

	describe('members', () => {
		it('have a last-seen time, and the owner changes their role and removes them; listeners hear why', async () => {
			const { access } = await groupWithOwner();
			const heard: [string, string | null, string][] = [];
			access.onRevoke((groupId, tokenId, cause) => heard.push([groupId, tokenId, cause]));
			const ana = joinWith(access, access.createInvite('g1', 'editor', 'Ana', 1).token, 'Ana') as IssuedToken;
			const before = listMembers(access, 'g1').find((m) => m.id === ana.record.id)!;
			expect(before.lastSeenAt).toEqual(expect.any(Number));

			expect(changeRole(access, 'g1', ana.record.id, 'viewer')).toBe(true);
			expect(sync(access, ana.token)).toMatchObject({ ok: true, role: 'viewer' });
			expect(heard).toEqual([['g1', ana.record.id, 'role']]);

			expect(removeMember(access, 'g1', ana.record.id)).toBe(true);
			expect(sync(access, ana.token)).toMatchObject({ ok: false, reason: 'removed', message: /owner removed you/ });
			expect(heard[1]).toEqual(['g1', ana.record.id, 'removed']);
			expect(listMembers(access, 'g1').map((m) => m.name)).toEqual(['Created the group']);
			expect(removeMember(access, 'g1', ana.record.id)).toBe(false);
			expect(changeRole(access, 'g1', 'no-such-member', 'owner')).toBe(false);
		});

		// Only SQLite has databases from before invites were kept apart; the cluster's schema began with them.
		if (backendName === 'sqlite') it('are kept in an older database, whose tokens all stay members', async () => {
			(backend.source() as import('better-sqlite3').Database).exec(`CREATE TABLE auth_tokens (
				id TEXT PRIMARY KEY, group_id TEXT NOT NULL, role TEXT NOT NULL, hash BLOB NOT NULL UNIQUE,
				label TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, revoked_at INTEGER);
				CREATE TABLE auth_revocations (seq INTEGER PRIMARY KEY AUTOINCREMENT, group_id TEXT NOT NULL, token_id TEXT NOT NULL);`);
			const { access } = await groupWithOwner();
			expect(listMembers(access, 'g1')).toEqual([expect.objectContaining({ name: 'Created the group', role: 'owner', invite: null })]);
		});
	});
});
