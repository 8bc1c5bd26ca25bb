import { describe, expect, it } from 'vitest';
import { addHighlight, addNote } from './annotations';
import { createGroup } from './group';
import { addItem } from './items';
import { readHidden, setHidden } from './moderation';
import { filterItems, matchesText } from './queries';
import { readAllItems, readAllReplies } from './read';
import { addReply } from './replies';
import { newDoc, testActor } from './testing';
import { replyTree } from './threads';
import { repliesUnderHidden, visibleItems, visibleReplies } from './visibility';

function setup() {
	const doc = newDoc();
	const owner = testActor('owner');
	const ana = testActor('ana');
	const ben = testActor('ben');
	createGroup(doc, owner, { name: 'G', member: { name: 'Olga', color: '#112233' } });
	const { itemId } = addItem(doc, ana, { url: 'https://e.org/a', title: 'A page' });
	const noteId = addNote(doc, ana, itemId, { text: 'Buy zanzibarpills now' });
	const keptId = addNote(doc, ana, itemId, { text: 'A fair note' });
	const highlightId = addHighlight(doc, ana, itemId, { exact: 'quoted passage', note: 'on the passage' });
	const onNote = addReply(doc, ben, { kind: 'note', id: noteId }, { text: 'answer to spam' });
	const deeper = addReply(doc, ana, { kind: 'reply', id: onNote }, { text: 'deeper answer' });
	const onKept = addReply(doc, ben, { kind: 'note', id: keptId }, { text: 'fair answer' });
	const belowKept = addReply(doc, ana, { kind: 'reply', id: onKept }, { text: 'rude answer' });
	const belowRude = addReply(doc, ben, { kind: 'reply', id: belowKept }, { text: 'answer to rude' });
	const onHighlight = addReply(doc, ben, { kind: 'highlight', id: highlightId }, { text: 'on the highlight' });
	return { doc, owner, itemId, noteId, keptId, highlightId, onNote, deeper, onKept, belowKept, belowRude, onHighlight };
}

const only = <T>(list: T[]): T => {
	expect(list).toHaveLength(1);
	return list[0];
};

describe('what members who are not owners read of hidden things', () => {
	it('keeps everything when nothing is hidden', () => {
		const { doc } = setup();
		expect(visibleItems(readAllItems(doc), readHidden(doc))).toEqual(readAllItems(doc));
	});

	it('hides a hidden note’s whole discussion with it, and leaves the note as a placeholder without text', () => {
		const { doc, owner, noteId, keptId, onNote, deeper, onKept } = setup();
		setHidden(doc, owner, { kind: 'note', id: noteId }, true);
		const hidden = readHidden(doc);
		expect(repliesUnderHidden(readAllReplies(doc), hidden)).toEqual(new Set([onNote, deeper]));
		const item = only(visibleItems(readAllItems(doc), hidden));
		expect(item.notes.map((n) => [n.id, n.text])).toEqual([
			[noteId, ''],
			[keptId, 'A fair note']
		]);
		expect(item.replies.map((r) => r.id)).not.toContain(onNote);
		expect(item.replies.map((r) => r.id)).not.toContain(deeper);
		expect(item.replies.map((r) => r.id)).toContain(onKept);
		expect(replyTree(visibleReplies(readAllReplies(doc), hidden), { kind: 'note', id: noteId })).toEqual([]);
	});

	it('hides the replies of a hidden highlight and blanks its passage and note', () => {
		const { doc, owner, highlightId, onHighlight } = setup();
		setHidden(doc, owner, { kind: 'highlight', id: highlightId }, true);
		const item = only(visibleItems(readAllItems(doc), readHidden(doc)));
		const h = only(item.highlights);
		expect([h.id, h.exact, h.prefix, h.suffix, h.note, h.position]).toEqual([highlightId, '', '', '', '', undefined]);
		expect(item.replies.map((r) => r.id)).not.toContain(onHighlight);
	});

	it('keeps a hidden reply as a placeholder and hides every reply below it', () => {
		const { doc, owner, keptId, onKept, belowKept, belowRude } = setup();
		setHidden(doc, owner, { kind: 'reply', id: belowKept }, true);
		const tree = replyTree(visibleReplies(readAllReplies(doc), readHidden(doc)), { kind: 'note', id: keptId });
		expect(tree.map((n) => n.reply.id)).toEqual([onKept]);
		const placeholder = only(tree[0].children);
		expect([placeholder.reply.id, placeholder.reply.text, placeholder.children]).toEqual([belowKept, '', []]);
		expect(visibleReplies(readAllReplies(doc), readHidden(doc)).map((r) => r.id)).not.toContain(belowRude);
	});

	it('shows everything again once an owner restores it', () => {
		const { doc, owner, noteId } = setup();
		setHidden(doc, owner, { kind: 'note', id: noteId }, true);
		setHidden(doc, owner, { kind: 'note', id: noteId }, false);
		expect(visibleItems(readAllItems(doc), readHidden(doc))).toEqual(readAllItems(doc));
	});

	it('keeps of a hidden item only who saved it and when', () => {
		const { doc, owner, itemId } = setup();
		setHidden(doc, owner, { kind: 'item', id: itemId }, true);
		const item = only(visibleItems(readAllItems(doc), readHidden(doc)));
		expect(item).toMatchObject({ id: itemId, url: '', title: '', description: '', tags: [], highlights: [], notes: [], replies: [] });
		expect(item.createdBy).toBe('ana');
	});

	it('leaves hidden things and their discussions out altogether when asked to omit them', () => {
		const { doc, owner, itemId, noteId, keptId, highlightId, belowKept, onKept } = setup();
		setHidden(doc, owner, { kind: 'note', id: noteId }, true);
		setHidden(doc, owner, { kind: 'highlight', id: highlightId }, true);
		setHidden(doc, owner, { kind: 'reply', id: belowKept }, true);
		const item = only(visibleItems(readAllItems(doc), readHidden(doc), 'omit'));
		expect(item.notes.map((n) => n.id)).toEqual([keptId]);
		expect(item.highlights).toEqual([]);
		expect(item.replies.map((r) => r.id)).toEqual([onKept]);
		setHidden(doc, owner, { kind: 'item', id: itemId }, true);
		expect(visibleItems(readAllItems(doc), readHidden(doc), 'omit')).toEqual([]);
	});

	it('does not let a search find words that are only in hidden text', () => {
		const { doc, owner, noteId, belowKept } = setup();
		setHidden(doc, owner, { kind: 'note', id: noteId }, true);
		setHidden(doc, owner, { kind: 'reply', id: belowKept }, true);
		const seen = visibleItems(readAllItems(doc), readHidden(doc));
		for (const word of ['zanzibarpills', 'answer to spam', 'deeper', 'rude', 'answer to rude']) {
			expect(filterItems(seen, { text: word })).toEqual([]);
			// An owner still finds it.
			expect(filterItems(readAllItems(doc), { text: word })).toHaveLength(1);
		}
		expect(matchesText(only(seen), 'fair answer')).toBe(true);
	});
});
