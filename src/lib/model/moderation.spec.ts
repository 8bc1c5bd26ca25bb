import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addHighlight, addNote } from './annotations';
import { createGroup } from './group';
import { addItem } from './items';
import { flag, isHidden, readFlags, readHidden, setHidden, unflag } from './moderation';
import { listFlagged } from './queries';
import { addReply } from './replies';
import { newDoc, syncAll, testActor } from './testing';
import type { Target } from './types';

function setup() {
	const doc = newDoc();
	const owner = testActor('owner');
	const ana = testActor('ana');
	const ben = testActor('ben');
	createGroup(doc, owner, { name: 'G', member: { name: 'Olga', color: '#112233' } });
	const { itemId } = addItem(doc, ana, { url: 'https://e.org/a', title: 'A page' });
	const noteId = addNote(doc, ana, itemId, { text: 'Buy cheap pills' });
	const highlightId = addHighlight(doc, ana, itemId, { exact: 'quoted' });
	const replyId = addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'spam reply' });
	return { doc, owner, ana, ben, itemId, noteId, highlightId, replyId };
}

describe('flags', () => {
	it('lets any member flag an item, a highlight, a note or a reply with a reason, once per member', () => {
		const { doc, ana, ben, itemId, noteId, highlightId, replyId } = setup();
		const targets: Target[] = [{ kind: 'item', id: itemId }, { kind: 'highlight', id: highlightId }, { kind: 'note', id: noteId }, { kind: 'reply', id: replyId }];
		for (const target of targets) flag(doc, ben, target, `bad ${target.kind}`);
		ben.tick();
		flag(doc, ben, { kind: 'note', id: noteId }, 'spam, really');
		flag(doc, ana, { kind: 'note', id: noteId }, 'mine, but spam');
		const flags = readFlags(doc);
		expect(flags).toHaveLength(5);
		expect(flags.filter((f) => f.id === noteId).map((f) => [f.memberId, f.reason])).toEqual([
			['ana', 'mine, but spam'],
			['ben', 'spam, really']
		]);
		expect(flags.every((f) => f.itemId === itemId)).toBe(true);
		const flagged = listFlagged(doc);
		expect(flagged).toHaveLength(4);
		expect(flagged.find((e) => e.kind === 'note')).toMatchObject({ id: noteId, itemId, label: 'Buy cheap pills on A page', hidden: null });
		unflag(doc, ben, { kind: 'note', id: noteId });
		expect(readFlags(doc).filter((f) => f.id === noteId).map((f) => f.memberId)).toEqual(['ana']);
	});

	it('refuses a flag without a reason, on something missing, or of an unknown kind, changing nothing', () => {
		const { doc, ben, noteId } = setup();
		const before = Y.encodeStateAsUpdate(doc);
		expect(() => flag(doc, ben, { kind: 'note', id: noteId }, '  ')).toThrow(/Say why you flag it/);
		expect(() => flag(doc, ben, { kind: 'note', id: 'nope' }, 'x')).toThrow(/not in this group/);
		expect(() => flag(doc, ben, { kind: 'tag' as never, id: noteId }, 'x')).toThrow(/Only an item, a highlight/);
		expect(() => flag(doc, ben, { kind: 'note', id: noteId }, 'x'.repeat(501))).toThrow(/limit is 500/);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('keeps both members’ concurrent flags on one target', () => {
		const { doc, ana, ben, noteId } = setup();
		const other = newDoc();
		syncAll(doc, other);
		flag(doc, ana, { kind: 'note', id: noteId }, 'one');
		flag(other, ben, { kind: 'note', id: noteId }, 'two');
		syncAll(doc, other);
		expect(readFlags(doc).map((f) => f.reason).sort()).toEqual(['one', 'two']);
		expect(readFlags(other)).toEqual(readFlags(doc));
	});
});

describe('hiding', () => {
	it('hides and restores a target as one plain value per target', () => {
		const { doc, owner, noteId, itemId } = setup();
		const target: Target = { kind: 'note', id: noteId };
		setHidden(doc, owner, target, true);
		expect(isHidden(readHidden(doc), target)).toBe(true);
		expect(readHidden(doc).get(`note\u001f${noteId}`)).toEqual({ itemId, hidden: true, by: 'owner', at: 1_700_000_000_000 });
		expect(listFlagged(doc)).toEqual([expect.objectContaining({ kind: 'note', id: noteId, flags: [], hidden: { hidden: true, by: 'owner', at: 1_700_000_000_000 } })]);
		owner.tick();
		setHidden(doc, owner, target, false);
		expect(isHidden(readHidden(doc), target)).toBe(false);
		expect(() => setHidden(doc, owner, { kind: 'reply', id: 'gone' }, true)).toThrow(/not in this group/);
	});

	it('settles concurrent hide and restore by two owners on one value, the same on both peers', () => {
		const { doc, owner, noteId } = setup();
		const other = newDoc();
		syncAll(doc, other);
		const second = testActor('owner2');
		setHidden(doc, owner, { kind: 'note', id: noteId }, true);
		setHidden(other, second, { kind: 'note', id: noteId }, false);
		syncAll(doc, other);
		const a = readHidden(doc);
		expect(a).toEqual(readHidden(other));
		expect(a.size).toBe(1);
		expect(['owner', 'owner2']).toContain(a.get(`note\u001f${noteId}`)!.by);
	});
});
