import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from './errors';
import { bookkeepingOrigin } from './actor';
import { createGroup, getGroupInfo, listMembers, renameGroup, setMemberProfile } from './group';
import {
	addItem,
	addTags,
	countView,
	deleteItem,
	findItemIdForUrl,
	editItem,
	fillPageDetails,
	itemTags,
	readDescription,
	removeTag,
	restoreItem,
	setTags
} from './items';
import { getItem } from './read';
import { roots } from './schema';
import { hash64 } from './url';
import { newDoc, testActor } from './testing';

function setup() {
	const doc = newDoc();
	const ana = testActor('ana');
	createGroup(doc, ana, { name: 'Tic&Travail', member: { name: 'Ana', color: '#3366CC' } });
	return { doc, ana };
}

function expectError(fn: () => unknown, code: string): ModelError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ModelError);
		expect((error as ModelError).code).toBe(code);
		return error as ModelError;
	}
	throw new Error('expected a ModelError');
}

describe('groups and members', () => {
	it('creates a group with a name, schema version and the creator as member', () => {
		const { doc } = setup();
		expect(getGroupInfo(doc)).toMatchObject({ id: 'group-1', name: 'Tic&Travail', createdBy: 'ana', schemaVersion: 1, writable: true });
		expect(listMembers(doc)).toEqual([{ id: 'ana', name: 'Ana', color: '#3366cc', joinedAt: 1_700_000_000_000 }]);
	});

	it('refuses an empty name or a bad colour and changes nothing', () => {
		const doc = newDoc();
		const before = Y.encodeStateAsUpdate(doc);
		expectError(() => createGroup(doc, testActor('a'), { name: '  ' }), 'invalid-input');
		expectError(() => createGroup(doc, testActor('a'), { name: 'x', member: { name: 'A', color: 'red' } }), 'invalid-input');
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('renames, and keeps a member’s join date when they change profile', () => {
		const { doc, ana } = setup();
		renameGroup(doc, ana, '  New   name ');
		ana.tick();
		setMemberProfile(doc, ana, { name: 'Ana B.', color: '#112233' });
		expect(getGroupInfo(doc).name).toBe('New name');
		expect(listMembers(doc)[0]).toMatchObject({ name: 'Ana B.', joinedAt: 1_700_000_000_000 });
	});
});

describe('items', () => {
	it('adds an item with its fields, site from the URL, tags and description', () => {
		const { doc, ana } = setup();
		const { itemId, created } = addItem(doc, ana, {
			url: 'https://www.Rue89.com/travail?utm_source=x',
			title: '  Bernard Stiegler : « Nous entrons dans l’ère du travail contributif » ',
			tags: 'Travail, amateur',
			description: 'Le contributeur de demain.'
		});
		expect(created).toBe(true);
		expect(getItem(doc, itemId)).toMatchObject({
			url: 'https://www.rue89.com/travail',
			title: 'Bernard Stiegler : « Nous entrons dans l’ère du travail contributif »',
			site: 'rue89.com',
			description: 'Le contributeur de demain.',
			tags: ['amateur', 'travail'],
			createdBy: 'ana',
			createdAt: 1_700_000_000_000,
			views: 0,
			deletedAt: null
		});
	});

	it('merges a second save of the same page into one item and keeps its first title', () => {
		const { doc, ana } = setup();
		const bo = testActor('bo', 1_700_000_100_000);
		const first = addItem(doc, ana, { url: 'https://example.org/a', title: 'First', tags: 'x' });
		const second = addItem(doc, bo, { url: 'https://EXAMPLE.org/a/#top', title: 'Second', tags: 'y', description: 'Why it matters' });
		expect(second).toEqual({ itemId: first.itemId, created: false });
		const item = getItem(doc, first.itemId)!;
		expect(item.title).toBe('First');
		expect(item.tags).toEqual(['x', 'y']);
		expect(item.description).toBe('Why it matters');
		expect(item.savedBy.map((s) => s.memberId)).toEqual(['ana', 'bo']);
	});

	it('finds an item saved under the older normalisation of its URL instead of making a second one', () => {
		const { doc, ana } = setup();
		// What an earlier version wrote for "https://example.org/s?q=a%20b": the query re-encoded as a form.
		const oldUrl = 'https://example.org/s?q=a+b&path=x%2Fy';
		const oldId = hash64(oldUrl);
		doc.transact(() => roots(doc).items.set(oldId, { url: oldUrl }));
		const url = 'https://example.org/s?q=a%20b&path=x/y';
		expect(findItemIdForUrl(doc, url)).toBe(oldId);
		expect(addItem(doc, ana, { url, title: 'Search', tags: 'x' })).toEqual({ itemId: oldId, created: false });
		expect(roots(doc).items.size).toBe(1);
		expect(getItem(doc, oldId)!.tags).toEqual(['x']);
		// Routes were dropped by the older form, so a route never finds the page it collapsed into.
		const home = addItem(doc, ana, { url: 'https://app.example/' }).itemId;
		expect(addItem(doc, ana, { url: 'https://app.example/#/inbox' }).itemId).not.toBe(home);
	});

	it('keeps hostile titles as text and refuses non-web URLs without changing the group', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://e.org', title: '<img src=x onerror=alert(1)>' });
		expect(getItem(doc, itemId)!.title).toBe('<img src=x onerror=alert(1)>');
		const before = Y.encodeStateAsUpdate(doc);
		expectError(() => addItem(doc, ana, { url: 'javascript:alert(1)' }), 'unsupported-url');
		expectError(() => addItem(doc, ana, { url: 'data:text/html,hi' }), 'unsupported-url');
		expectError(() => addItem(doc, ana, { url: 'not a url at all' }), 'invalid-url');
		expectError(() => addItem(doc, ana, { url: 'https://e.org/b', title: 'x'.repeat(501) }), 'too-long');
		expectError(() => addItem(doc, ana, { url: 'https://e.org/b', image: 'javascript:alert(1)' }), 'unsupported-url');
		expectError(() => addItem(doc, ana, { url: 'https://e.org/b', createdAt: Number.NaN }), 'invalid-input');
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('edits title, site and description, the description by minimal change', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://e.org', description: 'one two' });
		editItem(doc, ana, itemId, { title: 'T', site: 'Site', description: 'one and two' });
		expect(getItem(doc, itemId)).toMatchObject({ title: 'T', site: 'Site', description: 'one and two' });
		expect(readDescription(doc, itemId)).toBe('one and two');
		expectError(() => editItem(doc, ana, 'nope', { title: 'x' }), 'not-found');
	});

	it('soft-deletes into the trash and restores', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://e.org' });
		deleteItem(doc, ana, itemId);
		expect(getItem(doc, itemId)).toMatchObject({ deletedAt: 1_700_000_000_000, deletedBy: 'ana' });
		restoreItem(doc, ana, itemId);
		expect(getItem(doc, itemId)).toMatchObject({ deletedAt: null, deletedBy: null });
	});

	it('saving a deleted page again brings it back', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://e.org' });
		deleteItem(doc, ana, itemId);
		addItem(doc, ana, { url: 'https://e.org' });
		expect(getItem(doc, itemId)!.deletedAt).toBeNull();
	});

	it('tags, untags and sets tags', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://e.org' });
		expect(addTags(doc, ana, itemId, ['B', 'a'])).toEqual(['b', 'a']);
		expect(itemTags(doc, itemId)).toEqual(['a', 'b']);
		removeTag(doc, ana, itemId, ' A ');
		expect(itemTags(doc, itemId)).toEqual(['b']);
		setTags(doc, ana, itemId, 'c, d');
		expect(itemTags(doc, itemId)).toEqual(['c', 'd']);
		expectError(() => setTags(doc, ana, itemId, Array.from({ length: 101 }, (_, i) => `t${i}`)), 'too-long');
		expect(itemTags(doc, itemId)).toEqual(['c', 'd']);
	});

	it('saving the same page with the same tags again changes nothing', () => {
		const { doc, ana } = setup();
		addItem(doc, ana, { url: 'https://e.org', tags: 'a', title: 'T', description: 'D' });
		const before = Y.encodeStateAsUpdate(doc);
		addItem(doc, ana, { url: 'https://e.org/', tags: 'A', title: 'T', description: 'D' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('counts views per member', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://e.org' });
		countView(doc, ana, itemId);
		countView(doc, ana, itemId);
		countView(doc, testActor('bo'), itemId);
		expect(getItem(doc, itemId)).toMatchObject({ views: 3, viewsByMember: { ana: 2, bo: 1 } });
	});
});

describe('page details', () => {
	it('refuses what is not a web address, whatever the browser made of it, and writes nothing', () => {
		const { doc, ana } = setup();
		const before = Y.encodeStateAsUpdate(doc);
		for (const url of ['not a url', 'https://not%20a%20url', 'notaurl', 'https://a!b.org']) {
			expectError(() => addItem(doc, ana, { url }), 'invalid-url');
		}
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('saves an icon and a preview image with the item, and records that the page was read', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, {
			url: 'https://example.org/a',
			favicon: 'https://example.org/favicon.ico',
			image: 'https://example.org/cover.jpg',
			pageDetailsAt: 5
		});
		const item = getItem(doc, itemId)!;
		expect(item.favicon).toBe('https://example.org/favicon.ico');
		expect(item.image).toBe('https://example.org/cover.jpg');
		expect(item.pageDetailsAt).toBe(5);
		expect(getItem(doc, addItem(doc, ana, { url: 'https://example.org/b' }).itemId)).toMatchObject({ favicon: '', pageDetailsAt: null });
	});

	it('refuses an icon that is not an http(s) address', () => {
		const { doc, ana } = setup();
		expectError(() => addItem(doc, ana, { url: 'https://e.org/b', favicon: 'javascript:alert(1)' }), 'unsupported-url');
		const { itemId } = addItem(doc, ana, { url: 'https://e.org/c' });
		expectError(() => fillPageDetails(doc, ana, itemId, { favicon: 'data:image/png;base64,AAAA' }), 'unsupported-url');
		expect(getItem(doc, itemId)!.pageDetailsAt).toBeNull();
	});

	it('fills only what the member left empty', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://www.example.org/a', title: 'My own title' });
		fillPageDetails(doc, bookkeepingOrigin(ana), itemId, {
			title: 'The page title',
			site: 'Example News',
			description: 'What the page says about itself.',
			image: 'https://example.org/cover.jpg',
			favicon: 'https://example.org/icon.png'
		});
		const item = getItem(doc, itemId)!;
		expect(item.title).toBe('My own title');
		expect(item.site).toBe('Example News');
		expect(item.description).toBe('What the page says about itself.');
		expect(item.image).toBe('https://example.org/cover.jpg');
		expect(item.favicon).toBe('https://example.org/icon.png');
		expect(item.pageDetailsAt).toBeGreaterThan(0);

		// A second reading (another member's app) replaces nothing.
		fillPageDetails(doc, ana, itemId, { title: 'Other', site: 'Other', description: 'Other', favicon: 'https://x.org/i.png' });
		expect(getItem(doc, itemId)).toMatchObject({ title: 'My own title', site: 'Example News', description: 'What the page says about itself.', favicon: 'https://example.org/icon.png' });
	});

	it('keeps a site name and description the member wrote', () => {
		const { doc, ana } = setup();
		const { itemId } = addItem(doc, ana, { url: 'https://example.org/a', site: 'Mine', description: 'My words' });
		fillPageDetails(doc, ana, itemId, { site: 'Theirs', description: 'Their words' });
		expect(getItem(doc, itemId)).toMatchObject({ site: 'Mine', description: 'My words' });
	});
});
