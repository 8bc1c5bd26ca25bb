// The workspace of one open group: it lists this member in the group once, even while a big group's
// snapshot lags behind the document.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { createGroup, listMembers } from '$lib/model';
import type { GroupSession, SyncStatus } from '$lib/sync/types';
import { Workspace } from './workspace.svelte';

function session(doc: Y.Doc): GroupSession {
	const status: SyncStatus = { kind: 'offline', pending: 0 };
	return {
		groupId: doc.guid,
		doc,
		awareness: new Awareness(doc),
		loaded: Promise.resolve(),
		status,
		subscribe(listener) {
			listener(status);
			return () => {};
		},
		setPresence() {},
		destroy() {}
	};
}

describe('Workspace.introduce', () => {
	afterEach(() => {
		vi.useRealTimers();
		vi.restoreAllMocks();
	});

	it('writes the member’s profile once while a slow group’s snapshot catches up', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		let clock = 0;
		// Every read of the group appears to take 100 ms, as with a very big group.
		vi.spyOn(performance, 'now').mockImplementation(() => (clock += 50));
		const doc = new Y.Doc({ guid: 'g1' });
		createGroup(doc, { memberId: 'owner' }, { name: 'Big group' });
		const stored = { groupId: 'g1', token: 't', role: 'editor' as const, name: 'Big group', unregistered: false, addedAt: 0, lastOpenedAt: 0 };
		const workspace = new Workspace(stored, { memberId: 'ann', name: 'Ann', color: '#3366cc' }, session(doc));
		expect(workspace.group.exists).toBe(true);
		// Nothing is written before the group is read from storage.
		workspace.introduce();
		expect(listMembers(doc).find((m) => m.id === 'ann')).toBeUndefined();
		await workspace.session.loaded;
		await Promise.resolve();
		expect(workspace.loaded).toBe(true);

		let writes = 0;
		doc.on('update', () => writes++);
		for (let i = 0; i < 5; i++) workspace.introduce();
		expect(writes).toBe(1);
		expect(listMembers(doc).find((m) => m.id === 'ann')).toMatchObject({ name: 'Ann', color: '#3366cc' });
		vi.runAllTimers();
		workspace.introduce();
		expect(writes).toBe(1);
		workspace.destroy();
	});
});

describe('Workspace.people', () => {
	it('lists a peer whose presence has a non-string name as "Someone", one entry per member, sorted', () => {
		const doc = new Y.Doc({ guid: 'g2' });
		createGroup(doc, { memberId: 'owner' }, { name: 'Group' });
		const s = session(doc);
		const stored = { groupId: 'g2', token: 't', role: 'editor' as const, name: 'Group', unregistered: false, addedAt: 0, lastOpenedAt: 0 };
		const workspace = new Workspace(stored, { memberId: 'ann', name: 'Ann', color: '#3366cc' }, s);
		s.awareness.states.set(1_001, { member: { memberId: 'zed', name: 'Zed', color: '#111111' } });
		s.awareness.states.set(1_002, { member: { memberId: 'odd', name: 42, color: 'javascript:alert(1)' } });
		s.awareness.states.set(1_003, { member: { memberId: 'zed', name: 'Zed', color: '#111111', viewing: 'i1' } });
		s.awareness.emit('change', [{ added: [1_001, 1_002, 1_003], updated: [], removed: [] }, 'remote']);
		expect(workspace.people).toEqual([
			{ memberId: 'odd', name: 'Someone', color: '#555555' },
			{ memberId: 'zed', name: 'Zed', color: '#111111', viewing: 'i1' }
		]);
		workspace.destroy();
	});
});
