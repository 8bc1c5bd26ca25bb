import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, addNote, createGroup, flag, roots, setHidden, addReply } from '../src/lib/model/index.ts';
import { testActor } from '../src/lib/model/testing.ts';
import { writesHidden } from './moderation.ts';

/** The relay's doc and a member's copy of it, plus what the member's next change sends. */
function group() {
	const relay = new Y.Doc({ guid: 'g' });
	const owner = testActor('owner');
	createGroup(relay, owner, { name: 'G' });
	const { itemId } = addItem(relay, owner, { url: 'https://e.org/a' });
	const noteId = addNote(relay, owner, itemId, { text: 'a note' });
	const member = new Y.Doc({ guid: 'g' });
	Y.applyUpdate(member, Y.encodeStateAsUpdate(relay));
	const change = (fn: () => void): Uint8Array => {
		const before = Y.encodeStateVector(member);
		fn();
		return Y.encodeStateAsUpdate(member, before);
	};
	const accept = (update: Uint8Array) => Y.applyUpdate(relay, update);
	return { relay, member, owner, editor: testActor('editor'), itemId, noteId, change, accept };
}

describe('writesHidden', () => {
	it('lets ordinary writes through: notes, replies, flags, and a note whose text says hidden', () => {
		const { relay, member, editor, itemId, noteId, change } = group();
		expect(writesHidden(relay, change(() => addNote(member, editor, itemId, { text: 'hidden hidden' })))).toBe(false);
		expect(writesHidden(relay, change(() => addReply(member, editor, { kind: 'note', id: noteId }, { text: 'a reply' })))).toBe(false);
		expect(writesHidden(relay, change(() => flag(member, editor, { kind: 'note', id: noteId }, 'spam')))).toBe(false);
	});

	it('finds a new decision, a replaced one, one nested in an entry, and a removed one', () => {
		const { relay, member, owner, editor, noteId, itemId, change, accept } = group();
		const target = { kind: 'note' as const, id: noteId };
		expect(writesHidden(relay, change(() => setHidden(member, editor, target, true)))).toBe(true);

		// The owner's decision is accepted; an editor then overwrites or removes it.
		const fresh = group();
		const ownerHide = fresh.change(() => setHidden(fresh.member, fresh.owner, { kind: 'note', id: fresh.noteId }, true));
		expect(writesHidden(fresh.relay, ownerHide)).toBe(true); // the relay lets owners through before asking
		fresh.accept(ownerHide);
		expect(writesHidden(fresh.relay, fresh.change(() => setHidden(fresh.member, fresh.editor, { kind: 'note', id: fresh.noteId }, false)))).toBe(true);
		const removal = fresh.change(() => roots(fresh.member).hidden.delete(`note\u001f${fresh.noteId}`));
		expect(writesHidden(fresh.relay, removal)).toBe(true);
		// A member who removed it sends the removal with every later change (delete sets travel whole).
		expect(writesHidden(fresh.relay, fresh.change(() => addNote(fresh.member, fresh.editor, fresh.itemId, { text: 'more' })))).toBe(true);
		// Once there is a decision, others' unrelated writes (which never name the map) still pass,
		// and so do those of a member who saw it replaced by a later decision.
		const other = new Y.Doc({ guid: 'g' });
		Y.applyUpdate(other, Y.encodeStateAsUpdate(fresh.relay));
		const before = Y.encodeStateVector(other);
		addNote(other, fresh.editor, fresh.itemId, { text: 'more' });
		expect(writesHidden(fresh.relay, Y.encodeStateAsUpdate(other, before))).toBe(false);
		const restore = (() => {
			const sv = Y.encodeStateVector(other);
			setHidden(other, fresh.owner, { kind: 'note', id: fresh.noteId }, false);
			return Y.encodeStateAsUpdate(other, sv);
		})();
		fresh.accept(restore);
		const sv = Y.encodeStateVector(other);
		addNote(other, fresh.editor, fresh.itemId, { text: 'after the restore' });
		expect(writesHidden(fresh.relay, Y.encodeStateAsUpdate(other, sv))).toBe(false);

		expect(owner && itemId && relay && accept).toBeTruthy();
	});

	it('finds something nested inside an entry, sent after the entry itself', () => {
		const { relay, member, change, accept } = group();
		const nested = new Y.Map<unknown>();
		const first = change(() => roots(member).hidden.set('note\u001fx', nested as never));
		expect(writesHidden(relay, first)).toBe(true);
		accept(first); // as if it had slipped in earlier
		expect(relay.store.pendingStructs).toBeNull();
		expect(writesHidden(relay, change(() => nested.set('hidden', true)))).toBe(true);
	});
});
