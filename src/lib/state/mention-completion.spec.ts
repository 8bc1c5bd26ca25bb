import { describe, expect, it } from 'vitest';
import type { Member } from '$lib/model';
import { insertMention, matchMembers, mentionQueryAt } from './mention-completion';

const members: Member[] = [
	{ id: 'a1', name: 'Ana', color: '#111111', joinedAt: 1 },
	{ id: 'b2', name: 'Benoît', color: '#222222', joinedAt: 2 },
	{ id: 'c3', name: 'Diana Ross', color: '#333333', joinedAt: 3 }
];

describe('mention completion', () => {
	it('finds the @query the caret ends, only after a space or at the start', () => {
		expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
		expect(mentionQueryAt('hi @an', 6)).toEqual({ start: 3, query: 'an' });
		expect(mentionQueryAt('hi @Diana R', 11)).toEqual({ start: 3, query: 'Diana R' });
		expect(mentionQueryAt('mail ana@example.org', 20)).toBeNull();
		expect(mentionQueryAt('hi @an\nx', 8)).toBeNull();
		expect(mentionQueryAt('@[Ana](member:a1) ', 18)).toBeNull();
		expect(mentionQueryAt('@ an', 4)).toBeNull();
	});

	it('matches names that start with the query first, then names that contain it', () => {
		expect(matchMembers(members, 'an').map((m) => m.id)).toEqual(['a1', 'c3']);
		expect(matchMembers(members, '').map((m) => m.id)).toEqual(['a1', 'b2', 'c3']);
		expect(matchMembers(members, 'BEN').map((m) => m.id)).toEqual(['b2']);
		expect(matchMembers(members, 'zz')).toEqual([]);
	});

	it('replaces the query by the mention token and puts the caret after it', () => {
		const text = 'thanks @be for this';
		const at = mentionQueryAt(text, 10)!;
		const out = insertMention(text, 10, at, members[1]);
		expect(out.text).toBe('thanks @[Benoît](member:b2) for this');
		expect(out.text.slice(0, out.caret)).toBe('thanks @[Benoît](member:b2) ');
	});
});
