// The rules the relay and the app share, checked once where they are defined.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createGroup, setMemberProfile } from '../model/index';
import { CloseCode, displayNameProblem, cleanDisplayName, isTokenShaped, refusalMeaning, isTemporaryRefusal, LIMITS } from './index';

describe('close codes', () => {
	it('give every refusal a code of its own, so no one reads the relay’s words to tell them apart', () => {
		const refusals = Object.values(CloseCode).filter((code) => code >= 4400);
		expect(new Set(refusals).size).toBe(refusals.length);
		expect(new Set(refusals.map(refusalMeaning)).size).toBe(refusals.length);
		expect(refusalMeaning(CloseCode.revoked)).toBe('revoked');
		expect(refusalMeaning(CloseCode.groupDeleted)).toBe('deleted');
		expect(refusalMeaning(CloseCode.unauthorized)).toBe('bad-token');
	});

	it('treat drops, restarts and a changed role as no refusal, and only the rate limit as temporary', () => {
		for (const code of [1000, 1001, 1006, 1011, 1013, CloseCode.accessChanged]) expect(refusalMeaning(code)).toBeNull();
		expect(refusalMeaning(4499)).toBe('relay');
		expect(isTemporaryRefusal(CloseCode.rateLimited)).toBe(true);
		expect(isTemporaryRefusal(CloseCode.revoked)).toBe(false);
	});
});

describe('token shape', () => {
	it('is 22–256 URL-safe characters, one rule for the relay, invite links and the join page', () => {
		expect(isTokenShaped('a'.repeat(22))).toBe(true);
		expect(isTokenShaped('A-_9'.repeat(64))).toBe(true);
		expect(isTokenShaped('a'.repeat(21))).toBe(false);
		expect(isTokenShaped('a'.repeat(257))).toBe(false);
		expect(isTokenShaped('a'.repeat(21) + '=')).toBe(false);
	});
});

describe('display names', () => {
	it('a name the forms accept is one the model keeps, and a longer one is refused with the limit in words', () => {
		const longest = 'N'.repeat(LIMITS.memberName);
		expect(displayNameProblem(`  ${longest}  `)).toBeNull();
		const doc = new Y.Doc();
		createGroup(doc, { memberId: 'owner' }, { name: 'G' });
		expect(setMemberProfile(doc, { memberId: 'ann' }, { name: cleanDisplayName(`  ${longest} `), color: '#3366cc' }).name).toBe(longest);

		const tooLong = 'N'.repeat(LIMITS.memberName + 1);
		expect(displayNameProblem(tooLong)).toBe(`A display name can be at most ${LIMITS.memberName} characters.`);
		expect(() => setMemberProfile(doc, { memberId: 'ann' }, { name: tooLong, color: '#3366cc' })).toThrow();
		expect(displayNameProblem('   ')).toMatch(/Choose a display name/);
	});
});
