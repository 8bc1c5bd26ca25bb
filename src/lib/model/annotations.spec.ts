import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addHighlight,
	addNote,
	deleteHighlight,
	deleteNote,
	editHighlight,
	editNote,
	highlightNote,
	noteText,
	restoreHighlight,
	restoreNote
} from './annotations';
import { ModelError } from './errors';
import { createGroup } from './group';
import { addItem } from './items';
import { getItem, readAllHighlights, readAllNotes } from './read';
import { newDoc, testActor } from './testing';

function setup() {
	const doc = newDoc();
	const ana = testActor('ana');
	createGroup(doc, ana, { name: 'G' });
	const { itemId } = addItem(doc, ana, { url: 'https://e.org/a', title: 'A' });
	return { doc, ana, itemId };
}

describe('highlights', () => {
	it('adds a TextQuoteSelector with an optional note', () => {
		const { doc, ana, itemId } = setup();
		const id = addHighlight(doc, ana, itemId, { exact: 'les amateurs', prefix: 'produits par ', suffix: ', alors', note: 'Key point' });
		expect(getItem(doc, itemId)!.highlights).toEqual([
			{
				id,
				itemId,
				exact: 'les amateurs',
				prefix: 'produits par ',
				suffix: ', alors',
				note: 'Key point',
				createdAt: 1_700_000_000_000,
				createdBy: 'ana',
				deletedAt: null,
				deletedBy: null
			}
		]);
	});

	it('refuses an empty quote, a missing item or over-long context, changing nothing', () => {
		const { doc, ana, itemId } = setup();
		const before = Y.encodeStateAsUpdate(doc);
		expect(() => addHighlight(doc, ana, itemId, { exact: '  ' })).toThrow(ModelError);
		expect(() => addHighlight(doc, ana, 'missing', { exact: 'x' })).toThrow(/not in this group/);
		expect(() => addHighlight(doc, ana, itemId, { exact: 'x', prefix: 'p'.repeat(201) })).toThrow(/limit is 200/);
		expect(() => addHighlight(doc, ana, itemId, { exact: 'x', id: 'bad id!' })).toThrow(/id must be/);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('keeps a TextPositionSelector beside the quote, and none when not given', () => {
		const { doc, ana, itemId } = setup();
		const placed = addHighlight(doc, ana, itemId, { exact: 'amateurs', position: { start: 120, end: 128 } });
		const plain = addHighlight(doc, ana, itemId, { exact: 'travail' });
		const byId = new Map(getItem(doc, itemId)!.highlights.map((h) => [h.id, h]));
		expect(byId.get(placed)!.position).toEqual({ start: 120, end: 128 });
		expect(byId.get(plain)).not.toHaveProperty('position');
	});

	it('refuses a position that is not two ordered whole offsets, changing nothing', () => {
		const { doc, ana, itemId } = setup();
		const before = Y.encodeStateAsUpdate(doc);
		for (const position of [{ start: 5, end: 5 }, { start: 9, end: 3 }, { start: -1, end: 3 }, { start: 1.5, end: 3 }, { start: 0, end: Number.NaN }]) {
			expect(() => addHighlight(doc, ana, itemId, { exact: 'x', position })).toThrow(/position must be/);
		}
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('is a no-op when added again with the same id', () => {
		const { doc, ana, itemId } = setup();
		addHighlight(doc, ana, itemId, { exact: 'x', id: 'h1' });
		const before = Y.encodeStateAsUpdate(doc);
		expect(addHighlight(doc, ana, itemId, { exact: 'y', id: 'h1' })).toBe('h1');
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('edits quote and note, deletes into the trash and restores', () => {
		const { doc, ana, itemId } = setup();
		const id = addHighlight(doc, ana, itemId, { exact: 'one', note: 'first' });
		editHighlight(doc, ana, id, { exact: 'one two', note: 'first thought' });
		expect(getItem(doc, itemId)!.highlights[0]).toMatchObject({ exact: 'one two', note: 'first thought' });
		expect(highlightNote(doc, id).toString()).toBe('first thought');
		deleteHighlight(doc, ana, id);
		expect(getItem(doc, itemId)!.highlights).toEqual([]);
		expect(readAllHighlights(doc)[0]).toMatchObject({ id, deletedBy: 'ana' });
		restoreHighlight(doc, ana, id);
		expect(getItem(doc, itemId)!.highlights).toHaveLength(1);
		expect(() => deleteHighlight(doc, ana, 'nope')).toThrow(/not in this group/);
	});
});

describe('notes', () => {
	it('adds, edits through a Y.Text, deletes and restores', () => {
		const { doc, ana, itemId } = setup();
		const id = addNote(doc, ana, itemId, { text: 'Reflexions **sur** la rémunération' });
		expect(noteText(doc, id).toString()).toBe('Reflexions **sur** la rémunération');
		ana.tick();
		editNote(doc, ana, id, 'Reflexions sur la rémunération des amateurs');
		expect(getItem(doc, itemId)!.notes[0]).toMatchObject({
			text: 'Reflexions sur la rémunération des amateurs',
			createdBy: 'ana',
			editedAt: 1_700_000_001_000
		});
		deleteNote(doc, ana, id);
		expect(getItem(doc, itemId)!.notes).toEqual([]);
		expect(readAllNotes(doc)[0].deletedAt).toBe(1_700_000_001_000);
		restoreNote(doc, ana, id);
		expect(getItem(doc, itemId)!.notes).toHaveLength(1);
	});

	it('keeps hostile text as text and refuses empty notes', () => {
		const { doc, ana, itemId } = setup();
		const id = addNote(doc, ana, itemId, { text: '<script>alert(1)</script>\u0000' });
		expect(noteText(doc, id).toString()).toBe('<script>alert(1)</script>');
		expect(() => addNote(doc, ana, itemId, { text: ' \n ' })).toThrow(/Write something/);
		expect(() => addNote(doc, ana, itemId, { text: 'x'.repeat(100_001) })).toThrow(/limit is 100,000/);
	});

	it('lists notes and highlights oldest first', () => {
		const { doc, ana, itemId } = setup();
		addNote(doc, ana, itemId, { text: 'second', createdAt: 2 });
		addNote(doc, ana, itemId, { text: 'first', createdAt: 1 });
		expect(getItem(doc, itemId)!.notes.map((n) => n.text)).toEqual(['first', 'second']);
	});
});
