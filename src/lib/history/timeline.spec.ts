import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addHighlight,
	addItem,
	addNote,
	addReply,
	createGroup,
	editReply,
	deleteNote,
	editItem,
	editNote,
	getItem,
	readItemVersion,
	restoreItemVersion,
	setMemberProfile,
	setTags
} from '../model';
import { newDoc, syncAll, testActor } from '../model/testing';
import { describeChange, diffVersions } from './changes';
import type { HistoryInput, HistoryUpdate } from './replay';
import { COALESCE_MS, buildTimeline, versionAt } from './timeline';

/** Two members' docs whose updates are logged as the relay would, each with its sender and time. */
function twoMembers() {
	const ana = testActor('m-ana');
	const ben = testActor('m-ben');
	const docs = { ana: newDoc(), ben: newDoc() };
	const log: HistoryUpdate[] = [];
	let clock = 1_000_000;
	let seq = 0;
	for (const [who, doc] of Object.entries(docs)) {
		doc.on('update', (body: Uint8Array, origin: unknown) => {
			if (origin === 'remote') return;
			log.push({ seq: ++seq, body, author: { tokenId: `t-${who}`, name: who === 'ana' ? 'Ana (joined)' : 'Ben', at: clock } });
		});
	}
	const as = (who: 'ana' | 'ben', fn: (doc: Y.Doc, actor: typeof ana) => void, minutesLater = 10) => {
		clock += minutesLater * 60_000;
		fn(docs[who], who === 'ana' ? ana : ben);
		syncAll(docs.ana, docs.ben);
	};
	const history = (base: Uint8Array | null = null): HistoryInput => ({ base, baseAt: base ? 1 : null, updates: log });
	return { docs, as, history, log };
}

describe('item timeline', () => {
	it('names who changed what, newest first, with every kind of change', () => {
		const { as, history, docs } = twoMembers();
		let itemId = '';
		as('ana', (doc, actor) => {
			createGroup(doc, actor, { name: 'Readers', member: { name: 'Ana', color: '#123456' } });
			itemId = addItem(doc, actor, { url: 'https://example.org/a', title: 'First title', tags: 'x, y' }).itemId;
		});
		as('ben', (doc, actor) => setMemberProfile(doc, actor, { name: 'Ben B', color: '#654321' }));
		as('ben', (doc, actor) => editItem(doc, actor, itemId, { title: 'Second title', description: 'About it' }));
		as('ana', (doc, actor) => setTags(doc, actor, itemId, 'y, z'));
		let noteId = '';
		as('ben', (doc, actor) => (noteId = addNote(doc, actor, itemId, { text: 'A note' })));
		as('ben', (doc, actor) => editNote(doc, actor, noteId, 'A better note'), 1);
		as('ana', (doc, actor) => addHighlight(doc, actor, itemId, { exact: 'quoted words', note: 'why' }));
		as('ana', (doc, actor) => deleteNote(doc, actor, noteId));

		const page = buildTimeline(history(), { itemId, limit: 50 });
		const lines = page.entries.map((e) => `${e.by.name}: ${e.changes.map(describeChange).join('; ')}`);
		expect(lines).toEqual([
			'Ana: deleted the note “A better note”',
			'Ana: highlighted “quoted words” with the note “why”',
			'Ben B: added a note “A better note”',
			'Ana: added the tag “z” and removed the tag “x”',
			'Ben B: changed the title from “First title” to “Second title”; wrote the description “About it”',
			'Ana: saved the item “First title”; added the tags “x”, “y”'
		]);
		// Ben's note and its edit came within minutes: one entry.
		expect(page.entries[2].firstSeq).toBeLessThan(page.entries[2].id);
		expect(page.entries[4].by).toEqual({ tokenId: 't-ben', memberId: 'm-ben', name: 'Ben B' });
		expect(page.next).toBe(null);
		expect(docs.ana.guid).toBeTruthy();
	});

	it('names who replied, and who edited their reply', () => {
		const { as, history } = twoMembers();
		let itemId = '';
		let noteId = '';
		as('ana', (doc, actor) => {
			createGroup(doc, actor, { name: 'G' });
			itemId = addItem(doc, actor, { url: 'https://example.org/t', title: 'Thread' }).itemId;
			noteId = addNote(doc, actor, itemId, { text: 'What do you think?' });
		});
		let replyId = '';
		as('ben', (doc, actor) => (replyId = addReply(doc, actor, { kind: 'note', id: noteId }, { text: 'I agree' })));
		as('ben', (doc, actor) => editReply(doc, actor, replyId, 'I mostly agree'));
		const lines = buildTimeline(history(), { itemId, limit: 5 }).entries.map((e) => e.changes.map(describeChange).join('; '));
		expect(lines.slice(0, 2)).toEqual(['edited a reply from “I agree” to “I mostly agree”', 'replied “I agree”']);
	});

	it('pages newest first with a limit and a cursor', () => {
		const { as, history } = twoMembers();
		let itemId = '';
		as('ana', (doc, actor) => {
			createGroup(doc, actor, { name: 'G' });
			itemId = addItem(doc, actor, { url: 'https://example.org/p', title: 't0' }).itemId;
		});
		for (let i = 1; i <= 5; i++) as(i % 2 ? 'ben' : 'ana', (doc, actor) => editItem(doc, actor, itemId, { title: `t${i}` }));
		const first = buildTimeline(history(), { itemId, limit: 2 });
		expect(first.entries.map((e) => (e.changes[0] as { to: string }).to)).toEqual(['t5', 't4']);
		const second = buildTimeline(history(), { itemId, limit: 2, before: first.next! });
		expect(second.entries.map((e) => (e.changes[0] as { to: string }).to)).toEqual(['t3', 't2']);
		const last = buildTimeline(history(), { itemId, limit: 10, before: second.next! });
		expect(last.entries).toHaveLength(2);
		expect(last.next).toBe(null);
	});

	it('keeps one member\'s edits apart when they are far apart in time', () => {
		const { as, history } = twoMembers();
		let itemId = '';
		as('ana', (doc, actor) => {
			createGroup(doc, actor, { name: 'G' });
			itemId = addItem(doc, actor, { url: 'https://example.org/q', title: 'a' }).itemId;
		});
		as('ana', (doc, actor) => editItem(doc, actor, itemId, { title: 'b' }), 1);
		as('ana', (doc, actor) => editItem(doc, actor, itemId, { title: 'c' }), COALESCE_MS / 60_000 + 1);
		const entries = buildTimeline(history(), { itemId, limit: 10 }).entries;
		expect(entries.map((e) => e.changes.map(describeChange)[0])).toEqual(['changed the title from “b” to “c”', 'saved the item “b”']);
	});

	it('starts from a checkpoint, and the group feed lists every item', () => {
		const { as, history, docs, log } = twoMembers();
		let a = '';
		let b = '';
		as('ana', (doc, actor) => {
			createGroup(doc, actor, { name: 'G' });
			a = addItem(doc, actor, { url: 'https://example.org/1', title: 'One' }).itemId;
		});
		const base = Y.encodeStateAsUpdate(docs.ana);
		log.length = 0;
		as('ben', (doc, actor) => (b = addItem(doc, actor, { url: 'https://example.org/2', title: 'Two' }).itemId));
		as('ben', (doc, actor) => editItem(doc, actor, a, { title: 'One!' }));
		const feed = buildTimeline(history(base), { limit: 10 });
		expect(feed.entries.map((e) => [e.itemId, e.itemTitle, e.changes[0].kind])).toEqual([
			[a, 'One!', 'title'],
			[b, 'Two', 'saved']
		]);
		expect(feed.since).toBe(1);
	});

	it('shows an item as it was at any entry, and restores it as one new edit', () => {
		const { as, history, docs } = twoMembers();
		let itemId = '';
		let noteId = '';
		as('ana', (doc, actor) => {
			createGroup(doc, actor, { name: 'G' });
			itemId = addItem(doc, actor, { url: 'https://example.org/r', title: 'Old title', tags: 'keep, drop', description: 'Old words' }).itemId;
			noteId = addNote(doc, actor, itemId, { text: 'first note' });
		});
		const entry = buildTimeline(history(), { itemId, limit: 1 }).entries[0];
		as('ben', (doc, actor) => {
			editItem(doc, actor, itemId, { title: 'New title', description: 'New words' });
			setTags(doc, actor, itemId, 'keep, added');
			editNote(doc, actor, noteId, 'changed note');
			addNote(doc, actor, itemId, { text: 'later note' });
		});
		const old = versionAt(history(), itemId, entry.id)!;
		expect(old).toMatchObject({ title: 'Old title', description: 'Old words', tags: ['drop', 'keep'] });
		expect(old.notes.map((n) => n.text)).toEqual(['first note']);
		expect(versionAt(history(), itemId, 999_999)).toBe(null);

		const before = history().updates.length;
		as('ben', (doc, actor) => restoreItemVersion(doc, actor, itemId, old));
		expect(history().updates.length).toBe(before + 1);
		const item = getItem(docs.ana, itemId)!;
		expect(item).toMatchObject({ title: 'Old title', description: 'Old words', tags: ['drop', 'keep'] });
		expect(item.notes.map((n) => n.text)).toEqual(['first note']);
		expect(diffVersions(old, readItemVersion(docs.ana, itemId))).toEqual([]);
		// The restore is in the timeline like any edit.
		const latest = buildTimeline(history(), { itemId, limit: 1 }).entries[0];
		expect(latest.by.name).toBe('Ben');
		expect(latest.changes.map((c) => c.kind)).toContain('title');
	});

	it('refuses a restored version with bad text before writing anything', () => {
		const { as, docs } = twoMembers();
		let itemId = '';
		as('ana', (doc, actor) => {
			createGroup(doc, actor, { name: 'G' });
			itemId = addItem(doc, actor, { url: 'https://example.org/s', title: 'Fine' }).itemId;
		});
		const version = readItemVersion(docs.ana, itemId);
		const state = Y.encodeStateVector(docs.ana);
		expect(() => restoreItemVersion(docs.ana, testActor('m-ana'), itemId, { ...version, title: 'x'.repeat(100_000) })).toThrow();
		expect(Y.encodeStateVector(docs.ana)).toEqual(state);
	});
});
