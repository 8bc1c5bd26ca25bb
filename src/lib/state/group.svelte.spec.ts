// The state bridge: snapshots follow local and remote changes, filters and pages, and the search
// index follows edits and deletions without a rebuild.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createGroup, editNote, readCover, readGroupAs, type Actor, type ItemPage, type ListQuery } from '$lib/model';
import { createLocalSearch } from '$lib/search/search-service';
import { GroupState } from './group.svelte';
import { UndoState } from './undo.svelte';

function group(member: string | Actor = 'ann'): GroupState {
	const doc = new Y.Doc({ guid: 'g1' });
	const state = new GroupState({ doc }, member);
	createGroup(doc, state.actor, { name: 'Tic&Travail', member: { name: 'Ann', color: '#3366cc' } });
	return state;
}

/** Another member's copy of the group, in sync with the first. */
function peer(of: GroupState, memberId = 'bob'): GroupState {
	const doc = new Y.Doc({ guid: of.doc.guid });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(of.doc));
	return new GroupState({ doc }, memberId);
}

function send(from: GroupState, to: GroupState): void {
	Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc)), 'relay');
}

/** A listing once the search engine has answered it (it answers text queries asynchronously). */
async function answered(state: GroupState, query: ListQuery): Promise<ItemPage> {
	state.list(query);
	await new Promise((resolve) => setTimeout(resolve, 0));
	return state.list(query);
}

describe('GroupState', () => {
	it('sees a change another member made once the update arrives', () => {
		const ann = group();
		const bob = peer(ann);
		const before = ann.version;
		bob.addItem({ url: 'https://scinfolex.com/remunerer', title: 'Rémunérer les amateurs', tags: 'amateur' });
		expect(ann.items).toHaveLength(0);
		send(bob, ann);
		expect(ann.version).toBeGreaterThan(before);
		expect(ann.items.map((i) => i.title)).toEqual(['Rémunérer les amateurs']);
		expect(ann.tagCounts).toEqual([{ tag: 'amateur', count: 1 }]);
		const itemId = ann.items[0].id;
		bob.addNote(itemId, 'on rentre dans le vif du sujet');
		send(bob, ann);
		expect(ann.item(itemId)?.notes.map((n) => n.text)).toEqual(['on rentre dans le vif du sujet']);
	});

	describe('when reading the group is slow', () => {
		afterEach(() => {
			vi.useRealTimers();
			vi.restoreAllMocks();
		});

		it("shows this member's actions at once and gathers remote changes into one refresh", async () => {
			vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
			let clock = 0;
			// Every read of the group appears to take 100 ms, as with a very big group.
			vi.spyOn(performance, 'now').mockImplementation(() => (clock += 50));
			const ann = group();
			const bob = peer(ann);
			expect(ann.items).toEqual([]);

			const { itemId } = ann.addItem({ url: 'https://example.org/mine' });
			expect(ann.item(itemId)).not.toBeNull();

			const seen = ann.version;
			bob.addItem({ url: 'https://example.org/b1' });
			send(bob, ann);
			bob.addItem({ url: 'https://example.org/b2' });
			send(bob, ann);
			expect(ann.version).toBe(seen);
			expect(ann.items).toHaveLength(1);
			// A search meanwhile answers from what is shown, and still catches up afterwards.
			expect((await ann.search('b2')).size).toBe(0);
			vi.advanceTimersByTime(1_000);
			expect(ann.version).toBe(seen + 1);
			expect(ann.items).toHaveLength(3);
			expect((await ann.search('b2')).size).toBe(1);
		});
	});

	it('keeps the same snapshot while nothing changes', () => {
		const ann = group();
		ann.addItem({ url: 'https://example.org/a' });
		expect(ann.items).toBe(ann.items);
		expect(ann.tagCounts).toBe(ann.tagCounts);
		ann.addItem({ url: 'https://example.org/b' });
		expect(ann.items).toHaveLength(2);
	});

	it('pages newest first and counts "21 - 40 of 45"', () => {
		let t = 1_000;
		const ann = group({ memberId: 'ann', now: () => t++ });
		for (let i = 1; i <= 45; i++) ann.addItem({ url: `https://example.org/${i}` });
		const page2 = ann.list({ page: 2, perPage: 20 });
		expect([page2.from, page2.to, page2.total, page2.pageCount]).toEqual([21, 40, 45, 3]);
		expect(page2.items[0].url).toBe('https://example.org/25');
		const last = ann.list({ page: 3, perPage: 20 });
		expect([last.from, last.to]).toEqual([41, 45]);
		expect(ann.list({ page: 99, perPage: 50 })).toMatchObject({ page: 1, from: 1, to: 45 });
		expect(ann.list({ perPage: 7 }).perPage).toBe(20);
	});

	it('offers the tags that narrow a filtered listing, over its tag, member and text filters', async () => {
		const ann = group();
		ann.addItem({ url: 'https://example.org/a', title: 'Digital labor', tags: 'amateur, travail, digital labor' });
		ann.addItem({ url: 'https://example.org/b', title: 'Uber et le travail en miettes', tags: 'amateur, travail, uber' });
		ann.addItem({ url: 'https://example.org/c', title: 'Les amateurs inventent', tags: 'amateur, innovation' });
		expect(ann.relatedTags({})).toEqual(ann.tagCounts);
		expect(ann.relatedTags({ tags: ['amateur', 'travail'] })).toEqual([
			{ tag: 'digital labor', count: 1 },
			{ tag: 'uber', count: 1 }
		]);
		expect(ann.list({ tags: ['amateur', 'travail'], sort: 'oldest' }).total).toBe(2);
		ann.relatedTags({ text: 'miettes' });
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(ann.relatedTags({ text: 'miettes' })).toEqual([
			{ tag: 'amateur', count: 1 },
			{ tag: 'travail', count: 1 },
			{ tag: 'uber', count: 1 }
		]);
		expect(ann.relatedTags({ member: 'nobody' })).toEqual([]);
	});

	it('filters by tag, by member and by text', async () => {
		const ann = group();
		const bob = peer(ann);
		ann.addItem({ url: 'https://example.org/a', title: 'Digital labor', tags: 'travail, digital labor' });
		bob.addItem({ url: 'https://example.org/b', title: 'Uber et le travail en miettes', tags: 'travail' });
		send(bob, ann);
		expect(ann.list({ tag: 'Travail' }).total).toBe(2);
		expect(ann.list({ tag: 'digital labor' }).items.map((i) => i.url)).toEqual(['https://example.org/a']);
		expect(ann.list({ member: 'bob' }).items.map((i) => i.url)).toEqual(['https://example.org/b']);
		expect((await answered(ann, { text: 'miettes' })).items.map((i) => i.url)).toEqual(['https://example.org/b']);
		expect((await answered(ann, { text: 'travail', tag: 'digital labor' })).total).toBe(1);
		expect(ann.memberCounts.map((m) => [m.id, m.items])).toEqual([['ann', 1]]);
	});

	it('keeps the search index current on local and remote edits and deletions', async () => {
		const ann = group();
		const bob = peer(ann);
		const { itemId } = ann.addItem({ url: 'https://example.org/a', title: 'Quand les amateurs' });
		expect(await ann.search('amateurs')).toEqual(new Set([itemId]));
		expect((await ann.search('remunerer')).size).toBe(0);
		expect(await ann.search('amateurz')).toEqual(new Set([itemId]));

		ann.editItem(itemId, { title: 'Rémunérer les amateurs' });
		expect(await ann.search('remunerer')).toEqual(new Set([itemId]));
		expect((await ann.search('quand')).size).toBe(0);

		send(ann, bob);
		const highlight = bob.addHighlight(itemId, { exact: 'les externalités positives', note: 'voir Stiegler' });
		send(bob, ann);
		expect(await ann.search('externalites')).toEqual(new Set([itemId]));
		expect(await ann.search('stiegler')).toEqual(new Set([itemId]));

		bob.editHighlightNote(highlight, 'voir Casilli');
		send(bob, ann);
		expect((await ann.search('stiegler')).size).toBe(0);
		expect(await ann.search('casilli')).toEqual(new Set([itemId]));

		ann.doc.transact(() => {
			ann.doc.getText(`description\u001f${itemId}`).insert(0, 'contribution créative');
		}, 'relay');
		expect(await ann.search('creative')).toEqual(new Set([itemId]));

		const other = ann.addItem({ url: 'https://example.org/2014', title: 'Page 2014' }).itemId;
		expect(await ann.search('2014')).toEqual(new Set([other]));
		expect((await ann.search('2013')).size).toBe(0);

		ann.deleteItem(itemId);
		expect((await ann.search('amateurs')).size).toBe(0);
		ann.restoreItem(itemId);
		expect(await ann.search('amateurs')).toEqual(new Set([itemId]));
		ann.deleteHighlight(highlight);
		expect((await ann.search('casilli')).size).toBe(0);
	});

	it('lists the trash and restores from it', () => {
		const ann = group();
		const { itemId } = ann.addItem({ url: 'https://example.org/a', title: 'A page' });
		const noteId = ann.addNote(itemId, 'a note');
		ann.deleteNote(noteId);
		ann.deleteItem(itemId);
		expect(ann.trash.map((e) => e.kind).sort()).toEqual(['item', 'note']);
		expect(ann.list({}).total).toBe(0);
		for (const entry of ann.trash) ann.restore(entry);
		expect(ann.trash).toEqual([]);
		expect(ann.item(itemId)?.notes).toHaveLength(1);
	});

	it('renames the group for every member, and refuses an empty name without changing it', () => {
		const ann = group();
		const bob = peer(ann);
		ann.rename('  Tic & Travail  2026 ');
		send(ann, bob);
		expect(bob.name).toBe('Tic & Travail 2026');
		expect(() => ann.rename('   ')).toThrow('Give the group a name.');
		expect(ann.name).toBe('Tic & Travail 2026');
	});

	it('counts views apart from undo', () => {
		const ann = group();
		const undo = new UndoState(ann.doc, ann.actor);
		ann.onAction = () => undo.boundary();
		const { itemId } = ann.addItem({ url: 'https://example.org/a' });
		ann.countView(itemId);
		expect(ann.item(itemId)?.views).toBe(1);
		expect(undo.canUndo).toBe(true);
		undo.undo();
		expect(ann.item(itemId)).toBeNull();
		undo.redo();
		expect(ann.item(itemId)?.views).toBe(1);
	});
});

describe('UndoState', () => {
	it("undoes only this member's own edits", () => {
		const ann = group();
		const bob = peer(ann);
		const undo = new UndoState(ann.doc, ann.actor);
		ann.onAction = () => undo.boundary();
		const { itemId } = ann.addItem({ url: 'https://example.org/a', title: 'Mine' });
		send(ann, bob);
		bob.addNote(itemId, "Bob's note");
		send(bob, ann);
		ann.editItem(itemId, { title: 'Mine, renamed' });
		expect(undo.canUndo).toBe(true);
		undo.undo();
		expect(ann.item(itemId)?.title).toBe('Mine');
		expect(undo.canRedo).toBe(true);
		undo.undo();
		expect(ann.item(itemId)).toBeNull();
		expect(undo.canUndo).toBe(false);
		undo.redo();
		undo.redo();
		expect(ann.item(itemId)?.title).toBe('Mine, renamed');
		expect(ann.item(itemId)?.notes.map((n) => n.text)).toEqual(["Bob's note"]);
	});

	it('keeps quick typing in a shared text as one step, and each action as its own', () => {
		const ann = group();
		const undo = new UndoState(ann.doc, ann.actor);
		ann.onAction = () => undo.boundary();
		const { itemId } = ann.addItem({ url: 'https://example.org/a' });
		const noteId = ann.addNote(itemId, 'a');
		// What the live text binding does on each keystroke: a model edit under the member's origin.
		for (const text of ['ab', 'abc', 'abcd']) editNote(ann.doc, ann.actor, noteId, text);
		undo.undo();
		expect(ann.item(itemId)?.notes.map((n) => n.text)).toEqual(['a']);
		undo.undo();
		expect(ann.item(itemId)?.notes).toEqual([]);
		expect(ann.item(itemId)).not.toBeNull();
	});
});

describe('GroupState views kept on disk', () => {
	it('shows the first page and the counts from the cover before the document is loaded, then reads the document', async () => {
		const ann = group();
		for (let i = 0; i < 30; i++) ann.addItem({ url: `https://example.org/${i}`, title: `Page ${i}`, tags: i % 2 ? 'odd' : 'even' });
		const cover = JSON.parse(JSON.stringify(ann.cover()));
		expect(cover.newest).toHaveLength(30);
		// The relay computes a new device's cover with the same model code, from the document alone.
		expect(readCover(ann.doc, { owner: false })).toEqual(ann.cover());

		// A fresh page: the document is still being read from storage.
		const later = new GroupState({ doc: new Y.Doc({ guid: 'g1' }) }, 'ann');
		later.showCover(cover);
		expect(later.showingCover).toBe(true);
		expect(later.name).toBe('Tic&Travail');
		const first = later.list({ page: 1, perPage: 20 });
		expect(first.items.map((i) => i.title)).toEqual(ann.list({ page: 1, perPage: 20 }).items.map((i) => i.title));
		expect([first.total, first.pageCount, first.from, first.to]).toEqual([30, 2, 1, 20]);
		expect(later.tagCounts).toEqual(ann.tagCounts);
		expect(later.memberCounts).toEqual(ann.memberCounts);
		// What the cover cannot answer is asked of the search engine, and the listing shown stays
		// until its answer comes (no empty list drawn in between).
		expect(later.list({ page: 2, perPage: 20 })).toBe(first);
		expect(later.list({ tags: ['odd'] })).toBe(first);

		Y.applyUpdate(later.doc, Y.encodeStateAsUpdate(ann.doc));
		await later.docLoaded();
		expect(later.showingCover).toBe(false);
		expect(later.list({ tags: ['odd'], perPage: 50 }).total).toBe(15);
		later.showCover(cover); // too late: ignored
		expect(later.showingCover).toBe(false);
	});

	it('hands the pages the cover’s own items where the document reads them the same, so the change-over draws no row again', async () => {
		const ann = group();
		const ids = Array.from({ length: 30 }, (_, i) => ann.addItem({ url: `https://example.org/${i}`, title: `Page ${i}`, tags: 'kept' }).itemId);
		ann.addNote(ids[29], 'A note on the newest');
		const cover = JSON.parse(JSON.stringify(ann.cover()));
		ann.editItem(ids[28], { title: 'Renamed since the cover was kept' });
		const later = new GroupState({ doc: new Y.Doc({ guid: 'g1' }) }, 'ann');
		later.showCover(cover);
		const shown = later.list({ page: 1, perPage: 20 }).items;
		Y.applyUpdate(later.doc, Y.encodeStateAsUpdate(ann.doc));
		await later.docLoaded();
		const read = later.list({ page: 1, perPage: 20 }).items;
		expect(read).toEqual(ann.list({ page: 1, perPage: 20 }).items);
		expect(read.map((item, i) => item === shown[i])).toEqual(shown.map((item) => item.id !== ids[28]));
		expect(later.item(ids[28])?.title).toBe('Renamed since the cover was kept');
	});

	it('lets the waiting side switch in the same step as the cover goes, so no moment shows neither', async () => {
		const ann = group();
		for (let i = 0; i < 1_500; i++) ann.addItem({ url: `https://example.org/${i}`, title: `Page ${i}` });
		const later = new GroupState({ doc: new Y.Doc({ guid: 'g1' }) }, 'ann');
		later.showCover(ann.cover());
		Y.applyUpdate(later.doc, Y.encodeStateAsUpdate(ann.doc));
		const seen: boolean[] = [];
		await later.docLoaded(() => seen.push(later.showingCover));
		expect(seen).toEqual([true]);
		expect(later.showingCover).toBe(false);
		// Asked again once loaded, it switches at once.
		await later.docLoaded(() => seen.push(later.showingCover));
		expect(seen).toEqual([true, false]);
	});

	it('keeps the cover while it reads the document behind it, and shows what changed during that read', async () => {
		const ann = group();
		for (let i = 0; i < 1_500; i++) ann.addItem({ url: `https://example.org/${i}`, title: `Page ${i}`, tags: 'read' });
		const later = new GroupState({ doc: new Y.Doc({ guid: 'g1' }) }, 'ann');
		later.showCover(ann.cover());
		Y.applyUpdate(later.doc, Y.encodeStateAsUpdate(ann.doc));
		const loaded = later.docLoaded();
		expect(later.showingCover).toBe(true);
		// Another member's item arrives while the items are read.
		const bob = new GroupState({ doc: new Y.Doc({ guid: 'g1' }) }, 'bob');
		Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(later.doc));
		const before = Y.encodeStateVector(bob.doc);
		bob.addItem({ url: 'https://example.org/late', title: 'Arrived while reading', tags: 'late' });
		Y.applyUpdate(later.doc, Y.encodeStateAsUpdate(bob.doc, before));
		await loaded;
		expect(later.showingCover).toBe(false);
		expect(later.liveItemCount).toBe(1_501);
		expect(later.list({ page: 1, perPage: 10 }).items[0].title).toBe('Arrived while reading');
		expect(later.tagCounts.find((t) => t.tag === 'late')?.count).toBe(1);
	});

	it('gives the search engine every item only when it does not hold this state of the group already', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			const search = createLocalSearch();
			const synced = vi.spyOn(search, 'sync');
			const marked = vi.spyOn(search, 'mark');
			const ann = group();
			ann.addItem({ url: 'https://example.org/q', title: 'About quincunxes' });
			const copy = () => {
				const doc = new Y.Doc({ guid: ann.doc.guid });
				Y.applyUpdate(doc, Y.encodeStateAsUpdate(ann.doc));
				return doc;
			};
			// The first page gives every item, and once quiet tells the engine the group's state.
			const first = new GroupState({ doc: copy() }, 'ann', search);
			first.prepareSearch();
			await vi.advanceTimersByTimeAsync(2_000);
			expect(synced).toHaveBeenCalledTimes(1);
			expect(marked).toHaveBeenCalledTimes(1);

			// A later page on the group in the same state gives nothing and still finds the item.
			const same = new GroupState({ doc: copy() }, 'ann', search);
			same.prepareSearch();
			await vi.advanceTimersByTimeAsync(2_000);
			expect(synced).toHaveBeenCalledTimes(1);
			expect((await same.search('quincunx')).size).toBe(1);

			// One whose group changed since gives every item again.
			ann.addItem({ url: 'https://example.org/r', title: 'About palimpsests' });
			const later = new GroupState({ doc: copy() }, 'ann', search);
			later.prepareSearch();
			await vi.advanceTimersByTimeAsync(2_000);
			expect(synced).toHaveBeenCalledTimes(2);
			expect((await later.search('palimpsest')).size).toBe(1);
		} finally {
			vi.useRealTimers();
		}
	});

	it('keeps the listing shown until a search is answered, rather than flashing an empty one', async () => {
		const ann = group();
		ann.addItem({ url: 'https://example.org/q', title: 'About quincunxes', tags: 'rare' });
		ann.addItem({ url: 'https://example.org/r', title: 'Another page', tags: 'common' });
		const all = ann.list({});
		const tags = ann.relatedTags({ tags: ['common'] });
		expect(ann.list({ text: 'quincunx' })).toBe(all); // asked, not answered yet
		expect(ann.relatedTags({ text: 'quincunx' })).toBe(tags);
		expect([ann.isAnswered({ tags: ['common'] }), ann.isAnswered({ text: 'quincunx' })]).toEqual([true, false]);
		expect((await answered(ann, { text: 'quincunx' })).items.map((i) => i.title)).toEqual(['About quincunxes']);
		expect(ann.isAnswered({ text: 'quincunx' })).toBe(true);
		expect(ann.relatedTags({ text: 'quincunx' })).toEqual([{ tag: 'rare', count: 1 }]);
		expect((await answered(ann, { text: 'nothingatall' })).total).toBe(0);
	});

	it('looks up a search being typed ahead of the listing, but not while the cover shows', async () => {
		const ann = group();
		ann.addItem({ url: 'https://example.org/q', title: 'About quincunxes' });
		ann.prepareSearchFor({ text: 'quincunx' });
		expect(ann.isAnswered({ text: 'quincunx' })).toBe(false);
		await new Promise((resolve) => setTimeout(resolve, 0));
		// Answered before anyone listed it: the listing has it at once.
		expect(ann.isAnswered({ text: 'quincunx' })).toBe(true);
		expect(ann.list({ text: 'quincunx' }).items.map((i) => i.title)).toEqual(['About quincunxes']);

		const later = new GroupState({ doc: new Y.Doc({ guid: 'g1' }) }, 'ann');
		later.showCover(ann.cover());
		later.prepareSearchFor({ text: 'quincunx' });
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(later.isAnswered({ text: 'quincunx' })).toBe(false);
	});

	it('answers a search from the search engine while the cover shows, before the document is read', async () => {
		const ann = group();
		const { itemId } = ann.addItem({ url: 'https://example.org/q', title: 'About quincunxes', tags: 'rare, shapes' });
		ann.addItem({ url: 'https://example.org/r', title: 'Another page', tags: 'common' });
		const search = createLocalSearch();
		await search.sync(ann.items);
		const later = new GroupState({ doc: new Y.Doc({ guid: 'g1' }) }, 'ann', search);
		later.showCover(ann.cover());
		const shown = later.list({});
		const cloud = later.relatedTags({});
		expect(cloud.map((t) => t.tag).sort()).toEqual(['common', 'rare', 'shapes']);
		// The tags that narrow the search come with the engine's answer; those shown stay until then.
		expect(later.relatedTags({ text: 'quincunx' })).toBe(cloud);
		expect(later.list({ text: 'quincunx' })).toBe(shown); // asked, not answered yet: the listing shown stays
		expect([later.isAnswered({}), later.isAnswered({ text: 'quincunx' })]).toEqual([true, false]);
		const page = await answered(later, { text: 'quincunx' });
		expect(later.isAnswered({ text: 'quincunx' })).toBe(true);
		expect(later.showingCover).toBe(true);
		expect(page.items.map((i) => i.id)).toEqual([itemId]);
		expect(page.total).toBe(1);
		expect(later.relatedTags({ text: 'quincunx' }).map((t) => [t.tag, t.count]).sort()).toEqual([['rare', 1], ['shapes', 1]]);
	});
});

describe('GroupState conversations and moderation', () => {
	it('threads replies, keeps each member’s flag, and follows owners’ decisions from another member', () => {
		const ann = group();
		const bob = peer(ann);
		const { itemId } = ann.addItem({ url: 'https://example.org/a', title: 'A' });
		const noteId = ann.addNote(itemId, 'A note');
		send(ann, bob);
		const root = { kind: 'note' as const, id: noteId };
		const first = bob.addReply(root, 'First');
		bob.addReply({ kind: 'reply', id: first }, 'Deeper');
		send(bob, ann);
		const tree = ann.thread(itemId, root);
		expect(tree.map((n) => [n.reply.text, n.children.map((c) => c.reply.text)])).toEqual([['First', ['Deeper']]]);
		expect(() => ann.editReply(first, 'Not mine')).toThrow(/Only the member who wrote a reply/);

		bob.flag(root, 'Off topic');
		send(bob, ann);
		expect(bob.myFlag(root)?.reason).toBe('Off topic');
		expect(ann.myFlag(root)).toBeNull();
		expect(ann.flagged.map((e) => [e.id, e.flags.map((f) => f.reason)])).toEqual([[noteId, ['Off topic']]]);
		ann.setHidden(root, true);
		send(ann, bob);
		expect(bob.isHidden(root)).toBe(true);
	});

	it('gives a member who is not an owner neither the text nor the discussion of a hidden note, in threads, listings and search', async () => {
		const ann = group();
		ann.setOwner(true);
		const bob = peer(ann);
		const { itemId } = ann.addItem({ url: 'https://example.org/a', title: 'A' });
		const noteId = ann.addNote(itemId, 'Cheap zanzibarpills');
		send(ann, bob);
		const root = { kind: 'note' as const, id: noteId };
		bob.addReply(root, 'A quokka answer');
		send(bob, ann);
		expect((await bob.search('zanzibarpills')).size).toBe(1);
		expect((await bob.search('quokka')).size).toBe(1);
		ann.setHidden(root, true);
		send(ann, bob);
		expect(bob.thread(itemId, root)).toEqual([]);
		expect(bob.item(itemId)?.notes.map((n) => n.text)).toEqual(['']);
		expect(bob.item(itemId)?.replies).toEqual([]);
		expect((await answered(bob, { text: 'zanzibarpills' })).total).toBe(0);
		expect((await answered(bob, { text: 'quokka' })).total).toBe(0);
		// The owner still reads and finds it all.
		expect(ann.thread(itemId, root).map((n) => n.reply.text)).toEqual(['A quokka answer']);
		expect((await answered(ann, { text: 'zanzibarpills' })).total).toBe(1);
		// Made an owner, the member reads it again.
		bob.setOwner(true);
		expect((await answered(bob, { text: 'quokka' })).total).toBe(1);
	});

	it('reads again only the items a change touched, and reads them as a whole read would', () => {
		const ann = group();
		const bob = peer(ann);
		// What a whole read of Bob's copy gives now, as Bob may read it.
		const whole = () => readGroupAs(bob.doc, { owner: bob.owner }).items;
		const ids = ['a', 'b', 'c', 'd'].map((name) => ann.addItem({ url: `https://example.org/${name}`, title: name.toUpperCase(), tags: 'one, two' }).itemId);
		const noteId = ann.addNote(ids[1], 'A note');
		const highlightId = ann.addHighlight(ids[2], { exact: 'a passage', note: 'on it' });
		send(ann, bob);
		expect(bob.items).toEqual(whole());
		const untouched = bob.item(ids[0]);

		const steps: [string, () => void][] = [
			['a new item', () => ann.addItem({ url: 'https://example.org/0', title: 'First by id?' })],
			['tags', () => ann.setTags(ids[1], 'three')],
			['a title', () => ann.editItem(ids[2], { title: 'Renamed' })],
			['a description', () => ann.editText({ kind: 'description', id: ids[3] }, 'Some words')],
			['a note edited', () => ann.editNote(noteId, 'An edited note')],
			['a highlight deleted', () => ann.deleteHighlight(highlightId)],
			['a reply', () => ann.addReply({ kind: 'note', id: noteId }, 'An answer')],
			['a view', () => ann.countView(ids[3])],
			['an item deleted', () => ann.deleteItem(ids[3])],
			['an item restored', () => ann.restoreItem(ids[3])],
			['a note hidden', () => ann.setHidden({ kind: 'note', id: noteId }, true)],
			['a member', () => ann.setProfile({ name: 'Ann B.', color: '#113355' })]
		];
		for (const [what, step] of steps) {
			step();
			send(ann, bob);
			expect(bob.items, what).toEqual(whole());
			expect(bob.item(ids[0]), `${what}: an item nothing changed is not read again`).toBe(untouched);
		}
		expect(bob.item(ids[1])?.notes.map((n) => n.text)).toEqual(['']);
		// A change that touches no item leaves the counts over the items as they were.
		const tags = bob.tagCounts;
		ann.setProfile({ name: 'Ann C.', color: '#113355' });
		send(ann, bob);
		expect(bob.tagCounts).toBe(tags);
		expect(bob.memberCounts.find((m) => m.id === 'ann')).toMatchObject({ name: 'Ann C.', items: 5 });
		// Made an owner, the member reads what was hidden, without reading the group again.
		bob.setOwner(true);
		expect(bob.items).toEqual(whole());
		expect(bob.item(ids[1])?.notes.map((n) => n.text)).toEqual(['An edited note']);
		expect(bob.item(ids[0])).toBe(untouched);
	});

	it('reads a large change a part at a time, before anyone asks, as a whole read would', async () => {
		const ann = group();
		const bob = peer(ann);
		const whole = () => readGroupAs(bob.doc, { owner: bob.owner }).items;
		const first = ann.addItem({ url: 'https://example.org/first', title: 'First' }).itemId;
		send(ann, bob);
		expect(bob.items).toEqual(whole());
		const untouched = bob.item(first);
		// An import: many items in one change, and one edited.
		ann.doc.transact(() => {
			for (let i = 0; i < 1_200; i++) ann.addItem({ url: `https://example.org/imported/${i}`, title: `Imported ${i}`, tags: 'imported' });
			ann.editItem(first, { title: 'First, renamed' });
		});
		send(ann, bob);
		const reading = bob.readChangesInSlices();
		// A change arriving during the read is not lost.
		ann.addItem({ url: 'https://example.org/during', title: 'During the read' });
		send(ann, bob);
		await reading;
		expect(bob.items).toEqual(whole());
		expect(bob.item(first)?.title).toBe('First, renamed');
		expect(bob.item(first)).not.toBe(untouched);
		expect(bob.liveItemCount).toBe(1_202);
		// Little changed: nothing to do ahead of the next read.
		ann.editItem(first, { title: 'Again' });
		send(ann, bob);
		await bob.readChangesInSlices();
		expect(bob.item(first)?.title).toBe('Again');
	});
});
