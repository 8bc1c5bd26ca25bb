import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addHighlight, addNote, deleteNote } from './annotations';
import { ModelError } from './errors';
import { createGroup } from './group';
import { addItem } from './items';
import { findMentions, mentionToken, mentionedMembers, plainMentions } from './mentions';
import { filterItems, listTrash } from './queries';
import { getItem, readAllItems, readAllReplies } from './read';
import { addReply, deleteReply, editReply, replyTextOf, restoreReply } from './replies';
import { newDoc, syncAll, testActor } from './testing';
import { countTree, mentionsMember, mentionsOf, replyCount, replyTree } from './threads';

function setup() {
	const doc = newDoc();
	const ana = testActor('ana');
	const ben = testActor('ben');
	createGroup(doc, ana, { name: 'G', member: { name: 'Ana', color: '#112233' } });
	const { itemId } = addItem(doc, ana, { url: 'https://e.org/a', title: 'A' });
	const noteId = addNote(doc, ana, itemId, { text: 'A note' });
	const highlightId = addHighlight(doc, ana, itemId, { exact: 'a passage' });
	return { doc, ana, ben, itemId, noteId, highlightId };
}

describe('replies', () => {
	it('answers a note, a highlight and a reply, to any depth, as one thread per note or highlight', () => {
		const { doc, ana, ben, itemId, noteId, highlightId } = setup();
		const r1 = addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'I **agree**' });
		ana.tick();
		const r2 = addReply(doc, ana, { kind: 'reply', id: r1 }, { text: 'Thanks' });
		let parent = r2;
		for (let depth = 0; depth < 6; depth++) parent = addReply(doc, ben, { kind: 'reply', id: parent }, { text: `deeper ${depth}` });
		const onHighlight = addReply(doc, ben, { kind: 'highlight', id: highlightId }, { text: 'Source?' });

		const item = getItem(doc, itemId)!;
		expect(item.replies).toHaveLength(9);
		expect(replyCount(item)).toBe(9);
		expect(replyCount(item, { kind: 'note', id: noteId })).toBe(8);
		expect(replyCount(item, { kind: 'highlight', id: highlightId })).toBe(1);
		const tree = replyTree(item.replies, { kind: 'note', id: noteId });
		expect(tree).toHaveLength(1);
		expect(tree[0].reply).toMatchObject({ id: r1, text: 'I **agree**', createdBy: 'ben', parentKind: 'note', parentId: noteId, root: { kind: 'note', id: noteId } });
		expect(tree[0].descendants).toBe(7);
		expect(tree[0].children[0].reply.id).toBe(r2);
		expect(countTree(tree)).toBe(8);
		// A deep reply still knows its thread's root.
		expect(readAllReplies(doc).find((r) => r.id === parent)!.root).toEqual({ kind: 'note', id: noteId });
		expect(replyTree(item.replies, { kind: 'highlight', id: highlightId }).map((n) => n.reply.id)).toEqual([onHighlight]);
	});

	it('refuses an empty reply, an unknown parent or a bad id, changing nothing', () => {
		const { doc, ben, noteId } = setup();
		const before = Y.encodeStateAsUpdate(doc);
		expect(() => addReply(doc, ben, { kind: 'note', id: noteId }, { text: '  \n' })).toThrow(/Write something in the reply/);
		expect(() => addReply(doc, ben, { kind: 'note', id: 'nope' }, { text: 'x' })).toThrow(/not in this group/);
		expect(() => addReply(doc, ben, { kind: 'reply', id: 'nope' }, { text: 'x' })).toThrow(/not in this group/);
		expect(() => addReply(doc, ben, { kind: 'item' as never, id: noteId }, { text: 'x' })).toThrow(/answers a note/);
		expect(() => addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'x', id: 'bad id!' })).toThrow(/id must be/);
		expect(() => addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'x'.repeat(100_001) })).toThrow(/limit is 100,000/);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('is edited, deleted and restored by its author only; anyone else is refused with a clear error', () => {
		const { doc, ana, ben, itemId, noteId } = setup();
		const id = addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'First thought' });
		const before = Y.encodeStateAsUpdate(doc);
		for (const attempt of [() => editReply(doc, ana, id, 'Hijacked'), () => deleteReply(doc, ana, id), () => restoreReply(doc, ana, id)]) {
			try {
				attempt();
				expect.unreachable('another member changed the reply');
			} catch (error) {
				expect(error).toBeInstanceOf(ModelError);
				expect((error as ModelError).code).toBe('not-allowed');
				expect((error as ModelError).message).toMatch(/Only the member who wrote a reply can/);
			}
		}
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);

		ben.tick();
		editReply(doc, ben, id, 'First thought, revised');
		expect(replyTextOf(doc, id).toString()).toBe('First thought, revised');
		expect(getItem(doc, itemId)!.replies[0]).toMatchObject({ text: 'First thought, revised', editedAt: 1_700_000_001_000 });
		deleteReply(doc, ben, id);
		expect(getItem(doc, itemId)!.replies).toEqual([]);
		expect(listTrash(doc).map((e) => [e.kind, e.id])).toEqual([['reply', id]]);
		restoreReply(doc, ben, id);
		expect(getItem(doc, itemId)!.replies).toHaveLength(1);
	});

	it('keeps a deleted reply in the tree while live replies hang from it, and drops it after', () => {
		const { doc, ana, ben, itemId, noteId } = setup();
		const top = addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'top' });
		const answer = addReply(doc, ana, { kind: 'reply', id: top }, { text: 'answer' });
		deleteReply(doc, ben, top);
		const all = readAllReplies(doc);
		const tree = replyTree(all, { kind: 'note', id: noteId });
		expect(tree[0].reply.deletedAt).not.toBeNull();
		expect(tree[0].children[0].reply.id).toBe(answer);
		expect(countTree(tree)).toBe(1);
		expect(replyCount(getItem(doc, itemId)!)).toBe(1);
		deleteReply(doc, ana, answer);
		expect(replyTree(readAllReplies(doc), { kind: 'note', id: noteId })).toEqual([]);
	});

	it('hides replies while the note their thread starts at is in the trash', () => {
		const { doc, ana, ben, itemId, noteId } = setup();
		addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'reply' });
		deleteNote(doc, ana, noteId);
		expect(getItem(doc, itemId)!.replies).toEqual([]);
	});

	it('merges the author’s edits from two devices character by character', () => {
		const { doc, ben, noteId } = setup();
		const id = addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'middle' });
		const other = newDoc();
		syncAll(doc, other);
		editReply(doc, ben, id, 'start middle');
		editReply(other, ben, id, 'middle end');
		syncAll(doc, other);
		expect(replyTextOf(doc, id).toString()).toBe('start middle end');
		expect(readAllItems(other)).toEqual(readAllItems(doc));
	});

	it('survives concurrent replies by two members to the same note', () => {
		const { doc, ana, ben, itemId, noteId } = setup();
		const other = newDoc();
		syncAll(doc, other);
		const a = addReply(doc, ana, { kind: 'note', id: noteId }, { text: 'from ana' });
		const b = addReply(other, ben, { kind: 'note', id: noteId }, { text: 'from ben' });
		syncAll(doc, other);
		expect(new Set(getItem(other, itemId)!.replies.map((r) => r.id))).toEqual(new Set([a, b]));
	});
});

describe('mentions', () => {
	const ben = { id: '0123abcd', name: 'Ben [B] (the second)' };

	it('writes a token that carries the member id and survives a rename', () => {
		const token = mentionToken(ben);
		expect(token).toBe('@[Ben B the second](member:0123abcd)');
		const text = `Hi ${token}, and ${mentionToken({ id: 'x_1', name: 'Xi' })} too`;
		expect(findMentions(text)).toEqual([
			{ start: 3, end: 3 + token.length, name: 'Ben B the second', memberId: '0123abcd' },
			expect.objectContaining({ name: 'Xi', memberId: 'x_1' })
		]);
		expect(mentionedMembers(`${text} ${token}`)).toEqual(['0123abcd', 'x_1']);
		expect(plainMentions(text, (id) => (id === '0123abcd' ? 'Benoît' : null))).toBe('Hi @Benoît, and @Xi too');
	});

	it('ignores look-alikes: a plain @name, an unsafe id, a link', () => {
		expect(findMentions('@ben @[Ben](member:a b) [Ben](member:abc) @[Ben](https://x.org)')).toEqual([]);
	});

	it('finds the items and places that mention a member', () => {
		const { doc, ana, ben: benActor, itemId, noteId, highlightId } = setup();
		const other = addItem(doc, ana, { url: 'https://e.org/b', title: 'B' }).itemId;
		addNote(doc, ana, other, { text: 'nobody here' });
		const reply = addReply(doc, benActor, { kind: 'highlight', id: highlightId }, { text: `cc ${mentionToken({ id: 'ana', name: 'Ana' })}` });
		const items = readAllItems(doc);
		expect(filterItems(items, { mentions: 'ana' }).map((i) => i.id)).toEqual([itemId]);
		expect(filterItems(items, { mentions: 'ben' })).toEqual([]);
		expect(mentionsMember(getItem(doc, itemId)!, 'ana')).toBe(true);
		expect(mentionsOf(items, 'ana')).toEqual([{ kind: 'reply', id: reply, itemId, at: 1_700_000_000_000 }]);
		expect(noteId).toBeTruthy();
	});
});
