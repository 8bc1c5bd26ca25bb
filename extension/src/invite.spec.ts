import { describe, expect, it } from 'vitest';
import { InviteError, parseInviteLink } from './invite';

describe('parseInviteLink', () => {
	it('reads the relay, the group and the token from the fragment', () => {
		expect(parseInviteLink(' https://relay.example:8443/join/g%20one#abcdefghijklmnop1234 ')).toEqual({
			origin: 'https://relay.example:8443',
			groupId: 'g one',
			token: 'abcdefghijklmnop1234'
		});
	});

	it('refuses what is not a whole invite link, saying what to do', () => {
		expect(() => parseInviteLink('hello')).toThrow(/whole invite link/);
		expect(() => parseInviteLink('ftp://relay.example/join/g#abcdefghijklmnop')).toThrow(InviteError);
		expect(() => parseInviteLink('https://relay.example/g/g1#abcdefghijklmnop')).toThrow(/not an invite link/);
		expect(() => parseInviteLink('https://relay.example/join/g1')).toThrow(/incomplete/);
		expect(() => parseInviteLink('https://relay.example/join/g1#short')).toThrow(/incomplete/);
	});
});
