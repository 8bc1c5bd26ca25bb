// Stock y-websocket clients syncing a group through a real relay: convergence of model edits, a late
// joiner, presence appearing and vanishing, and an offline edit merged on reconnect.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addItem,
	addNote,
	addTags,
	createGroup,
	getGroupInfo,
	noteText,
	readGroup,
	readAllItems,
	randomId,
	replaceText
} from '../../src/lib/model/index.ts';
import { connectMember, eventually, newToken, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay.ts';

let relay: TestRelay | null = null;
const members: TestMember[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) member.destroy();
	await relay?.stop();
	relay = null;
});

function join(groupId: string, token: string, create = false): TestMember {
	const member = connectMember(relay!.wsUrl, groupId, { token, create });
	members.push(member);
	return member;
}

const synced = (member: TestMember) => eventually(() => member.provider.synced);
const state = (member: TestMember | Y.Doc) => JSON.stringify(readGroup(member instanceof Y.Doc ? member : member.doc));

describe('relay sync with stock y-websocket clients', () => {
	it('three members converge on model edits, a late joiner receives everything, presence comes and goes', async () => {
		relay = await startTestRelay();
		const groupId = randomId();
		const token = newToken();
		const alice = join(groupId, token, true);
		await synced(alice);
		const bob = join(groupId, token);
		const carol = join(groupId, token);
		await Promise.all([synced(bob), synced(carol)]);

		createGroup(alice.doc, { memberId: 'alice' }, { name: 'Tic&Travail', member: { name: 'Alice', color: '#3366cc' } });
		const { itemId } = addItem(bob.doc, { memberId: 'bob' }, { url: 'https://example.org/amateur', title: 'Amateurs', tags: 'amateur' });
		await eventually(() => readAllItems(carol.doc).length === 1);
		// Concurrent edits from all three on the same item.
		addTags(alice.doc, { memberId: 'alice' }, itemId, ['work']);
		addTags(carol.doc, { memberId: 'carol' }, itemId, ['culture']);
		const noteId = addNote(bob.doc, { memberId: 'bob' }, itemId, { text: 'A first thought' });
		await eventually(() => carol.doc.share.size > 0 && readAllItems(carol.doc)[0]?.notes.length === 1);
		replaceText(noteText(carol.doc, noteId), 'A first thought, shared');

		const all = [alice, bob, carol];
		await eventually(() => {
			const states = all.map(state);
			expect(new Set(states).size).toBe(1);
			expect(readAllItems(alice.doc)[0].tags.sort()).toEqual(['amateur', 'culture', 'work']);
			expect(readAllItems(alice.doc)[0].notes[0].text).toBe('A first thought, shared');
		});
		expect(getGroupInfo(bob.doc).name).toBe('Tic&Travail');
		// The relay's own copy (what feeds and exports read) is the same group, under the group's id.
		expect(state((await relay.relay.loadGroupDoc(groupId))!)).toBe(state(alice));

		// Presence: each member sees the other two.
		alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
		bob.provider.awareness.setLocalStateField('user', { name: 'Bob' });
		carol.provider.awareness.setLocalStateField('user', { name: 'Carol' });
		const names = (member: TestMember) =>
			[...member.provider.awareness.getStates().values()].map((s) => (s as { user?: { name: string } }).user?.name).filter(Boolean).sort();
		await eventually(() => expect(names(alice)).toEqual(['Alice', 'Bob', 'Carol']));

		const dave = join(groupId, token);
		await synced(dave);
		await eventually(() => expect(state(dave)).toBe(state(alice)));
		await eventually(() => expect(names(dave)).toEqual(['Alice', 'Bob', 'Carol']));

		// Carol leaves: her presence vanishes for everyone else.
		carol.provider.disconnect();
		await eventually(() => {
			expect(names(alice)).toEqual(['Alice', 'Bob']);
			expect(names(dave)).toEqual(['Alice', 'Bob']);
		});
		expect(Y.encodeStateVector(dave.doc)).toEqual(Y.encodeStateVector(alice.doc));
	});

	it('a member edits while disconnected; on reconnect both sides converge', async () => {
		relay = await startTestRelay();
		const groupId = randomId();
		const token = newToken();
		const alice = join(groupId, token, true);
		const bob = join(groupId, token);
		await Promise.all([synced(alice), synced(bob)]);
		createGroup(alice.doc, { memberId: 'alice' }, { name: 'Reading group' });
		await eventually(() => expect(state(bob)).toBe(state(alice)));

		bob.provider.disconnect();
		addItem(bob.doc, { memberId: 'bob' }, { url: 'https://example.org/offline', title: 'Written offline', tags: 'train' });
		addItem(alice.doc, { memberId: 'alice' }, { url: 'https://example.org/online', title: 'Written online' });
		await eventually(() => readAllItems(alice.doc).length === 1);
		expect(readAllItems(alice.doc).map((i) => i.title)).toEqual(['Written online']);

		bob.provider.connect();
		await eventually(() => {
			expect(readAllItems(alice.doc).map((i) => i.title).sort()).toEqual(['Written offline', 'Written online']);
			expect(state(bob)).toBe(state(alice));
		});

		// The relay stored both: a new member gets them from a relay that restarted meanwhile.
		const dataDir = relay.dataDir;
		const expected = state(alice);
		for (const member of members.splice(0)) member.destroy();
		await relay.relay.close();
		const restarted = await startTestRelay({ dataDir });
		try {
			const carol = connectMember(restarted.wsUrl, groupId, { token });
			members.push(carol);
			await eventually(() => expect(state(carol)).toBe(expected));
		} finally {
			for (const member of members.splice(0)) member.destroy();
			await restarted.stop();
		}
	});
});
