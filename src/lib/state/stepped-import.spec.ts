// An import written a step at a time, as the Import page runs it: one step to undo however long it
// takes, and the pages refreshed once at the end instead of after every step.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createGroup, readAllItems } from '$lib/model';
import { applyPlanInSteps, planImport } from '$lib/interchange';
import { GroupState } from './group.svelte';
import { UndoState } from './undo.svelte';

function group(): { state: GroupState; undo: UndoState } {
	const doc = new Y.Doc({ guid: 'g1' });
	const state = new GroupState({ doc }, 'ann');
	createGroup(doc, state.actor, { name: 'Tic&Travail', member: { name: 'Ann', color: '#3366cc' } });
	const undo = new UndoState(doc, state.actor);
	state.onAction = () => undo.boundary();
	return { state, undo };
}

function bookmarks(count: number) {
	const lines = ['<DL><p>'];
	for (let i = 0; i < count; i++) lines.push(`<DT><A HREF="https://steps.example/${i}">Page ${i}</A>`);
	return planImport({ name: 'steps.html', text: lines.join('\n') + '</DL>' });
}

afterEach(() => vi.useRealTimers());

describe('a stepped import', () => {
	it('is one step to undo, even with long pauses and other actions between its steps', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const { state, undo } = group();
		const mine = state.addItem({ url: 'https://example.org/mine' });
		const endStep = undo.oneStep();
		expect(undo.canUndo).toBe(false);
		let steps = 0;
		await applyPlanInSteps(state.doc, state.actor, bookmarks(300), {
			stepMs: 1,
			pause: async () => {
				steps++;
				// Far longer than the pause that ends a step of typing, and an action ending a step.
				vi.setSystemTime(Date.now() + 5_000);
				undo.boundary();
				expect(undo.undo()).toBe(false);
			}
		});
		endStep();
		expect(steps).toBeGreaterThan(1);
		expect(readAllItems(state.doc)).toHaveLength(301);
		expect(undo.canUndo).toBe(true);
		undo.undo();
		expect(readAllItems(state.doc).map((i) => i.id)).toEqual([mine.itemId]);
		undo.redo();
		expect(readAllItems(state.doc)).toHaveLength(301);
	});

	it('refreshes the pages once, when released', async () => {
		const { state } = group();
		const before = state.version;
		const release = state.holdRefresh();
		await applyPlanInSteps(state.doc, state.actor, bookmarks(300), { stepMs: 1, pause: async () => {} });
		expect(state.version).toBe(before);
		release();
		expect(state.version).toBe(before + 1);
		state.flush();
		expect(state.liveItemCount).toBe(300);
		// The group's name and members are read without its items.
		expect(state.name).toBe('Tic&Travail');
		expect(state.members.map((m) => m.name)).toEqual(['Ann']);
	});
});
