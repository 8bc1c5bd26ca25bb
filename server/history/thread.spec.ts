import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, createGroup, editItem } from '../../src/lib/model';
import { buildTimeline } from '../../src/lib/history/timeline';
import { unpackHistory } from '../../src/lib/history/packed';
import { createMemoryStore } from '../persistence/memory';
import type { RoomStore } from '../persistence/types';
import { HistoryThread } from './thread';

const DAY = 86_400_000;
const threads: HistoryThread[] = [];
afterEach(async () => {
	for (const thread of threads.splice(0)) await thread.close();
});

/** A group whose every write is appended to `store` as the relay would, at the time `at()` gives. */
function loggedGroup(store: RoomStore, groupId: string, at: () => number) {
	const doc = new Y.Doc();
	const writes: Promise<unknown>[] = [];
	doc.on('update', (update: Uint8Array) => writes.push(store.append(groupId, update, { tokenId: 't-ana', name: 'Ana', at: at() })));
	const actor = { memberId: 'm-ana' };
	createGroup(doc, actor, { name: 'Readers', member: { name: 'Ana', color: '#123456' } });
	const { itemId } = addItem(doc, actor, { url: 'https://example.org/a', title: 'First' });
	return { itemId, edit: async (title: string) => (editItem(doc, actor, itemId, { title }), await Promise.all(writes)) };
}

async function fresh(store: RoomStore, groupId: string, itemId?: string) {
	const history = await store.loadHistory(groupId);
	return history ? buildTimeline(unpackHistory(history), { ...(itemId ? { itemId } : {}), limit: 100 }) : null;
}

describe('the history thread keeps replays between reads', () => {
	it('answers from its kept replay as a fresh replay does, after more edits and after a fold past the retention', async () => {
		const store = createMemoryStore({ historyDays: 30 });
		const thread = new HistoryThread();
		threads.push(thread);
		let now = Date.now() - 40 * DAY;
		const { itemId, edit } = loggedGroup(store, 'g', () => (now += 10 * 60_000));
		await edit('Second');
		await store.compact('g');
		expect(await thread.timeline(store, 'g', { itemId, limit: 100 })).toEqual(await fresh(store, 'g', itemId));
		for (const title of ['Third', 'Fourth']) await edit(title);
		expect(await thread.timeline(store, 'g', { limit: 100 })).toEqual(await fresh(store, 'g'));
		expect(await thread.timeline(store, 'g', { itemId, limit: 100 })).toEqual(await fresh(store, 'g', itemId));
		await store.compact('g');
		// Today: the next compaction folds all of it into the checkpoint.
		now = Date.now();
		await edit('Today');
		await store.compact('g');
		const after = await thread.timeline(store, 'g', { itemId, limit: 100 });
		expect(after!.entries.map((entry) => entry.changes)).toEqual([[{ kind: 'title', from: 'Fourth', to: 'Today' }]]);
		expect(after).toEqual(await fresh(store, 'g', itemId));
	});

	it('forgets a deleted group, and a group made again under its id shows only its own history', async () => {
		const store = createMemoryStore({ historyDays: 30 });
		const thread = new HistoryThread();
		threads.push(thread);
		const { edit } = loggedGroup(store, 'g', () => Date.now());
		await edit('Second');
		await thread.timeline(store, 'g', { limit: 100 });
		expect(await thread.cached()).toBe(1);
		await store.remove('g');
		await thread.forget('g');
		expect(await thread.cached()).toBe(0);
		expect(await thread.timeline(store, 'g', { limit: 100 })).toBe(null);
		const again = loggedGroup(store, 'g', () => Date.now());
		await again.edit('Another');
		expect(await thread.timeline(store, 'g', { limit: 100 })).toEqual(await fresh(store, 'g'));
	});

	it('keeps at most its number of groups', async () => {
		const store = createMemoryStore({ historyDays: 30 });
		const thread = new HistoryThread(2);
		threads.push(thread);
		for (const groupId of ['a', 'b', 'c']) {
			await loggedGroup(store, groupId, () => Date.now()).edit('Second');
			await thread.timeline(store, groupId, { limit: 1 });
		}
		expect(await thread.cached()).toBe(2);
	});
});
