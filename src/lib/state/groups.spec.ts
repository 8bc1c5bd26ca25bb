// Ids, tokens and invite links made and read on the home page.
import { describe, expect, it, vi } from 'vitest';

vi.mock('$lib/sync/session', () => ({ openGroupSession: () => null }));
vi.mock('$lib/storage/registry', () => ({ saveGroup: async () => {}, listGroups: async () => [] }));

const { newGroupId, newOwnerToken, parseInviteLink } = await import('./groups');

describe('groups', () => {
	it('makes url-safe random ids and 256-bit owner tokens', () => {
		const id = newGroupId();
		expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(newGroupId()).not.toBe(id);
		expect(newOwnerToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});

	it('reads invite links and refuses anything else', () => {
		expect(parseInviteLink('http://relay.example:8080/join/abcDEF123_-xyz#tok_en-0123456789abcdef')).toEqual({
			groupId: 'abcDEF123_-xyz',
			token: 'tok_en-0123456789abcdef'
		});
		expect(parseInviteLink('/join/abcDEF123_-xyz#tok_en-0123456789abcdef')?.groupId).toBe('abcDEF123_-xyz');
		expect(parseInviteLink('http://relay.example/join/abcDEF123xyz')).toBeNull();
		expect(parseInviteLink('http://relay.example/g/abcDEF123xyz#tok_en-0123456789abcdef')).toBeNull();
		expect(parseInviteLink('not a link at all')).toBeNull();
	});
});
