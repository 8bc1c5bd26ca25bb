// What peers send as presence is checked before anything shows it.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { onlinePeople, readPresence, watchPeople } from './presence';

/** An awareness holding this tab (`self`) and the raw states other browsers sent. */
function awarenessWith(self: string, others: unknown[]): Awareness {
	const awareness = new Awareness(new Y.Doc());
	awareness.setLocalStateField('member', { memberId: self, name: 'Me', color: '#000000' });
	others.forEach((member, i) => awareness.states.set(1_000 + i, { member }));
	return awareness;
}

describe('readPresence', () => {
	it('keeps only known fields as bounded strings, and names a member without a usable name "Someone"', () => {
		expect(readPresence({ memberId: 'm1', name: 42, color: 'red; background: url(x)', viewing: 7, extra: 'x' })).toEqual({
			memberId: 'm1',
			name: 'Someone',
			color: '#555555'
		});
		expect(readPresence({ memberId: 'm1', name: 'A'.repeat(500), color: '#abc', typing: 'n1' })).toEqual({
			memberId: 'm1',
			name: 'A'.repeat(60),
			color: '#abc',
			typing: 'n1'
		});
	});

	it('refuses what does not say which member it is', () => {
		for (const bad of [null, undefined, 'ana', 3, [], {}, { memberId: 5 }, { memberId: '' }]) expect(readPresence(bad)).toBeNull();
	});
});

describe('onlinePeople', () => {
	it('lists peers with a non-string name instead of throwing, sorted, one per member, without this member', () => {
		const awareness = awarenessWith('me', [
			{ memberId: 'b', name: { toString: 1 }, color: '#111111' },
			{ memberId: 'a', name: 'Ana', color: '#222222' },
			{ memberId: 'a', name: 'Ana', color: '#222222', typing: 'n1' },
			{ memberId: 'me', name: 'Me in another tab', color: '#000000' },
			'not a presence'
		]);
		const people = onlinePeople(awareness, 'me');
		expect(people.map((p) => [p.memberId, p.name, p.typing])).toEqual([
			['a', 'Ana', 'n1'],
			['b', 'Someone', undefined]
		]);
	});

	it('tells its listener who is online, and again only when that changes', () => {
		const awareness = awarenessWith('me', []);
		const seen: string[][] = [];
		const stop = watchPeople(awareness, 'me', (people) => seen.push(people.map((p) => p.name)));
		awareness.states.set(2_000, { member: { memberId: 'z', name: 'Zoé', color: '#333333' } });
		awareness.emit('change', [{ added: [2_000], updated: [], removed: [] }, 'test']);
		awareness.emit('change', [{ added: [], updated: [2_000], removed: [] }, 'test']);
		stop();
		expect(seen).toEqual([[], ['Zoé']]);
	});
});
