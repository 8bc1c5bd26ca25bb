// Caret mapping through remote text changes, checked against Yjs's own deltas.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mapThroughDelta, targetKey } from './collab-text';

function deltaOf(initial: string, change: (text: Y.Text) => void): { delta: Parameters<typeof mapThroughDelta>[1]; after: string } {
	const doc = new Y.Doc();
	const text = doc.getText('t');
	text.insert(0, initial);
	let delta: Parameters<typeof mapThroughDelta>[1] = [];
	text.observe((event) => (delta = event.delta as typeof delta));
	doc.transact(() => change(text));
	return { delta, after: text.toString() };
}

describe('mapThroughDelta', () => {
	it('moves the caret right by text inserted before it and not by text inserted after it', () => {
		const { delta, after } = deltaOf('hello world', (t) => {
			t.insert(0, '>> ');
			t.insert(t.length, '!');
		});
		expect(after).toBe('>> hello world!');
		const caret = 'hello'.length;
		expect(mapThroughDelta(caret, delta)).toBe(caret + 3);
		expect(after.slice(0, mapThroughDelta(caret, delta))).toBe('>> hello');
	});

	it('keeps the caret before text inserted exactly at it', () => {
		const { delta } = deltaOf('abcd', (t) => t.insert(2, 'XY'));
		expect(mapThroughDelta(2, delta)).toBe(2);
		expect(mapThroughDelta(3, delta)).toBe(5);
	});

	it('moves the caret left by text deleted before it, and to the deletion point when inside it', () => {
		const { delta, after } = deltaOf('0123456789', (t) => t.delete(2, 4));
		expect(after).toBe('016789');
		expect(mapThroughDelta(8, delta)).toBe(4);
		expect(mapThroughDelta(4, delta)).toBe(2);
		expect(mapThroughDelta(1, delta)).toBe(1);
	});
});

describe('targetKey', () => {
	it('names descriptions by their item and notes and highlights by their id', () => {
		expect(targetKey({ kind: 'description', id: 'i1' })).toBe('description:i1');
		expect(targetKey({ kind: 'note', id: 'n1' })).toBe('n1');
	});
});
