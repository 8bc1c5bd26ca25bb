// Pages added offline get their details once the relay answers: each page once, only the member's
// recent ones, and nothing is lost when the relay cannot be reached yet.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createGroup } from '$lib/model';
import { GroupState } from './group.svelte';
import { UndoState } from './undo.svelte';
import { PageDetailsFiller } from './page-details';
import type { PageDetailsAnswer } from '$lib/api/page-details';

function group(memberId = 'ann'): GroupState {
	const doc = new Y.Doc({ guid: 'g1' });
	const state = new GroupState({ doc }, memberId);
	createGroup(doc, state.actor, { name: 'G', member: { name: 'Ann', color: '#3366cc' } });
	return state;
}

describe('PageDetailsFiller', () => {
	it('fills an item saved offline once the relay answers, and never asks twice', async () => {
		const state = group();
		const { itemId } = state.addItem({ url: 'https://example.org/a', title: 'Typed by Ann' });
		let online = false;
		const asked: string[] = [];
		const filler = new PageDetailsFiller('ann', async (url): Promise<PageDetailsAnswer> => {
			asked.push(url);
			if (!online) return { ok: false, retry: true, message: 'offline' };
			return { ok: true, details: { title: 'From the page', description: 'About it', favicon: 'https://example.org/icon.png' } };
		});

		await filler.run(state);
		expect(state.item(itemId)).toMatchObject({ favicon: '', pageDetailsAt: null });

		online = true;
		await filler.run(state);
		expect(state.item(itemId)).toMatchObject({ title: 'Typed by Ann', description: 'About it', favicon: 'https://example.org/icon.png' });
		expect(state.item(itemId)!.pageDetailsAt).not.toBeNull();

		await filler.run(state);
		expect(asked).toEqual(['https://example.org/a', 'https://example.org/a']);
	});

	it('records a page that cannot be read, and leaves other members’ and old items alone', async () => {
		const state = group();
		const mine = state.addItem({ url: 'https://example.org/private' }).itemId;
		const old = state.addItem({ url: 'https://example.org/old', createdAt: Date.now() - 30 * 24 * 60 * 60_000 }).itemId;
		const bob = new GroupState({ doc: state.doc }, 'bob');
		const theirs = bob.addItem({ url: 'https://example.org/bob' }).itemId;
		const asked: string[] = [];
		const filler = new PageDetailsFiller('ann', async (url) => {
			asked.push(url);
			return { ok: false, retry: false, message: 'refused' };
		});
		await filler.run(state);
		expect(asked).toEqual(['https://example.org/private']);
		expect(state.item(mine)!.pageDetailsAt).not.toBeNull();
		expect(state.item(old)!.pageDetailsAt).toBeNull();
		expect(state.item(theirs)!.pageDetailsAt).toBeNull();
	});

	it('is not an edit the member can undo', async () => {
		const state = group();
		const undo = new UndoState(state.doc, state.actor);
		const { itemId } = state.addItem({ url: 'https://example.org/a' });
		undo.boundary();
		await new PageDetailsFiller('ann', async () => ({ ok: true, details: { title: 'From the page' } })).run(state);
		expect(state.item(itemId)!.title).toBe('From the page');
		undo.undo();
		// Undo takes back the member's own action (adding the item), not the details filled in after it.
		expect(state.item(itemId)).toBeNull();
	});
});
