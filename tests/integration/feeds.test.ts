// Feeds served by a real relay, read by a well-kept feed parser: escaping, links, dates, categories,
// content, conditional requests and feed tokens. Also the export API on the same group.
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { importFile } from '../../src/lib/interchange/index';
import { addHighlight, addItem, addNote, createGroup, readAllItems, setMemberProfile } from '../../src/lib/model/index';
import { connectMember, newToken, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay';

const T = Date.UTC(2025, 4, 1, 8);
const SPECIAL = 'Fish & <Chips> "quoted" \'single\' 🐟 — ça';

let relay: TestRelay;
let owner: TestMember;
const groupId = `feeds-${newToken().slice(0, 10)}`;
const ownerToken = newToken();
let links: { rss: string; atom: string; opml: string };

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

function api(path: string, init: RequestInit = {}) {
	return fetch(`${relay.url}/api/groups/${groupId}/${path}`, {
		...init,
		headers: { authorization: `Bearer ${ownerToken}`, ...(init.headers ?? {}) }
	});
}

/** Fetches a feed once the relay's copy of the group shows `items` entries in it. */
async function feedWith(path: string, items: number) {
	return until(`${path} with ${items} items`, async () => {
		const res = await fetch(relay.url + path);
		if (res.status !== 200) return null;
		const body = await res.text();
		const feed = parseFeed(body);
		return feed.items.length === items ? { res, body, feed } : null;
	});
}

beforeAll(async () => {
	relay = await startTestRelay();
	owner = connectMember(relay.wsUrl, groupId, { token: ownerToken, create: true });
	await until('the owner to sync', async () => owner.provider.synced);
	const doc = owner.doc;
	const alice = { memberId: 'alice', now: () => T };
	createGroup(doc, alice, { name: 'Tic&Travail <feeds>', member: { name: 'Alice "A" <x>', color: '#3366cc' } });
	setMemberProfile(doc, { memberId: 'bob', now: () => T }, { name: 'Bob 🙂', color: '#aa3300' });
	for (let i = 0; i < 3; i++) {
		addItem(doc, { memberId: 'bob', now: () => T + i * 60_000 }, { url: `https://example.org/plain/${i}`, title: `Plain ${i}`, tags: ['plain'] });
	}
	const special = addItem(doc, { memberId: 'alice', now: () => T + 3_600_000 }, {
		url: 'https://example.org/special?a=1&b=2',
		title: SPECIAL,
		description: 'About <fish> & chips',
		tags: ['food & drink', 'Émoji 🐟']
	}).itemId;
	addHighlight(doc, { memberId: 'bob', now: () => T + 7_200_000 }, special, { exact: 'the <best> "chips"', note: 'agreed & noted' });
	addNote(doc, { memberId: 'alice', now: () => T + 7_300_000 }, special, { text: 'A note with <script>alert(1)</script>' });
	links = await until('the feed links from the API', async () => {
		const res = await api('feed');
		return res.status === 200 ? ((await res.json()) as typeof links) : null;
	});
});

afterAll(async () => {
	owner?.destroy();
	await relay?.stop();
});

describe('feeds from the relay', () => {
	it('serves RSS 2.0 in which titles, links, dates, authors, categories and content survive', async () => {
		const { res, feed } = await feedWith(links.rss, 4);
		expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
		expect(feed.title).toBe('Tic&Travail <feeds>');
		const [first, ...rest] = feed.items;
		expect(first.title).toBe(SPECIAL);
		expect(first.url).toBe('https://example.org/special?a=1&b=2');
		expect(first.published?.toISOString()).toBe(new Date(T + 3_600_000).toISOString());
		expect(first.authors.map((a) => a.name)).toEqual(['Alice "A" <x>']);
		expect(first.categories.map((c) => c.term).sort()).toEqual(['food & drink', 'émoji 🐟']);
		expect(first.content).toContain('the <best> "chips"');
		expect(first.content).toContain('agreed & noted');
		expect(first.content).toContain('alert(1)');
		expect(rest.map((i) => i.title)).toEqual(['Plain 2', 'Plain 1', 'Plain 0']);
	});

	it('serves Atom 1.0 with the same entries, and filters by tag and limit', async () => {
		const { res, feed } = await feedWith(links.atom, 4);
		expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
		const [first] = feed.items;
		expect(first.title).toBe(SPECIAL);
		expect(first.url).toBe('https://example.org/special?a=1&b=2');
		expect(first.updated?.toISOString()).toBe(new Date(T + 7_300_000).toISOString());
		expect(first.authors.map((a) => a.name)).toEqual(['Alice "A" <x>']);
		expect(first.id).toContain(`/g/${groupId}/i/`);
		const tagged = await feedWith(`${links.atom}&tag=${encodeURIComponent('Food & Drink')}`, 1);
		expect(tagged.feed.title).toBe('Tic&Travail <feeds>: items tagged food & drink');
		const limited = await feedWith(`${links.rss}&limit=2`, 2);
		expect(limited.feed.items.map((i) => i.title)).toEqual([SPECIAL, 'Plain 2']);
	});

	it('filters RSS and Atom by member with ?member=, and the cache keeps them apart', async () => {
		const bobs = await feedWith(`${links.rss}&member=bob`, 3);
		expect(bobs.feed.title).toBe('Tic&Travail <feeds>: saved by Bob 🙂');
		expect(bobs.feed.items.map((i) => i.title)).toEqual(['Plain 2', 'Plain 1', 'Plain 0']);
		const alices = await feedWith(`${links.atom}&member=alice`, 1);
		expect(alices.feed.items.map((i) => i.title)).toEqual([SPECIAL]);
		expect((await feedWith(links.rss, 4)).feed.items).toHaveLength(4);
		const nobody = await fetch(`${relay.url}${links.rss}&member=nobody`);
		expect(nobody.status).toBe(200);
		expect(parseFeed(await nobody.text()).items).toEqual([]);
	});

	it('serves OPML listing the group and tag feeds with the feed token', async () => {
		const res = await fetch(relay.url + links.opml);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
		const body = await res.text();
		const token = new URL(links.rss, relay.url).searchParams.get('token')!;
		expect(body).toContain(`/feeds/${groupId}.rss?tag=plain&amp;token=${encodeURIComponent(token)}`);
		expect(body).toContain('text="Tic&amp;Travail &lt;feeds&gt;: food &amp; drink (1)"');
	});

	it('answers 304 to a matching ETag or If-Modified-Since, and 200 once the group changes', async () => {
		const { res } = await feedWith(links.rss, 4);
		const etag = res.headers.get('etag')!;
		const lastModified = res.headers.get('last-modified')!;
		expect(etag).toMatch(/^"[\w-]+"$/);
		// The group's last change: the newest write's date, or later if the relay saw a change after it.
		expect(Date.parse(lastModified)).toBeGreaterThanOrEqual(Math.floor((T + 7_300_000) / 1000) * 1000);
		const byEtag = await fetch(relay.url + links.rss, { headers: { 'if-none-match': etag } });
		expect(byEtag.status).toBe(304);
		expect(await byEtag.text()).toBe('');
		const byDate = await fetch(relay.url + links.rss, { headers: { 'if-modified-since': lastModified } });
		expect(byDate.status).toBe(304);
		const stale = await fetch(relay.url + links.rss, { headers: { 'if-none-match': '"something-else"' } });
		expect(stale.status).toBe(200);

		addItem(owner.doc, { memberId: 'bob', now: () => T + 9_000_000 }, { url: 'https://example.org/new', title: 'New' });
		const changed = await feedWith(links.rss, 5);
		expect(changed.res.headers.get('etag')).not.toBe(etag);
		const again = await fetch(relay.url + links.rss, { headers: { 'if-none-match': etag } });
		expect(again.status).toBe(200);
	});

	it('moves Last-Modified and Atom <updated> on an import of pages older than the newest one', async () => {
		const before = await feedWith(links.atom, 5);
		const lastModified = before.res.headers.get('last-modified')!;
		const oldPages = [
			'<!DOCTYPE NETSCAPE-Bookmark-file-1>',
			'<DL><p>',
			'<DT><A HREF="https://example.org/archive/1998" ADD_DATE="883612800" TAGS="plain">From 1998</A>',
			'</DL><p>'
		].join('\n');
		// A date past anything the relay's clock can say, so the group's own record is what shows.
		const importedAt = Date.UTC(2100, 0, 1);
		importFile(owner.doc, { memberId: 'alice', now: () => importedAt }, { name: 'old.html', text: oldPages });
		const after = await feedWith(links.atom, 6);
		expect(after.res.headers.get('last-modified')).toBe(new Date(importedAt).toUTCString());
		expect(Date.parse(lastModified)).toBeLessThan(importedAt);
		expect(after.feed.updated?.toISOString()).toBe(new Date(importedAt).toISOString());
		const byDate = await fetch(relay.url + links.rss, { headers: { 'if-modified-since': lastModified } });
		expect(byDate.status).toBe(200);
	});

	it('never moves Last-Modified back when a change takes the group back, as an undo does', async () => {
		const otherId = `feeds-undo-${newToken().slice(0, 8)}`;
		const otherToken = newToken();
		const other = connectMember(relay.wsUrl, otherId, { token: otherToken, create: true });
		try {
			await until('the second group to sync', async () => other.provider.synced);
			const doc = other.doc;
			createGroup(doc, { memberId: 'alice', now: () => T }, { name: 'Undo', member: { name: 'Alice', color: '#3366cc' } });
			addItem(doc, { memberId: 'alice', now: () => T }, { url: 'https://example.org/kept', title: 'Kept' });
			const feedPath = await until('the second group’s feed links', async () => {
				const res = await fetch(`${relay.url}/api/groups/${otherId}/feed`, { headers: { authorization: `Bearer ${otherToken}` } });
				return res.status === 200 ? ((await res.json()) as typeof links).rss : null;
			});
			const undo = new Y.UndoManager(doc, { trackedOrigins: new Set(['undo-test']) });
			doc.transact(() => addItem(doc, { memberId: 'alice', now: () => T + 60_000 }, { url: 'https://example.org/undone', title: 'Undone' }), 'undo-test');
			const added = await feedWith(feedPath, 2);
			undo.undo();
			const undone = await feedWith(feedPath, 1);
			// The undo put the group's own record and its items back; the relay saw a change all the same.
			expect(Date.parse(undone.res.headers.get('last-modified')!)).toBeGreaterThanOrEqual(Date.parse(added.res.headers.get('last-modified')!));
			expect(undone.res.headers.get('etag')).not.toBe(added.res.headers.get('etag'));
			undo.destroy();
		} finally {
			other.destroy();
		}
	});

	it('answers HEAD without a body, and a tag it cannot read with 400 in words', async () => {
		const head = await fetch(relay.url + links.atom, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);
		expect(await head.text()).toBe('');
		const badTag = await fetch(`${relay.url}${links.rss}&tag=${'x'.repeat(100)}`);
		expect(badTag.status).toBe(400);
		expect(await badTag.text()).toMatch(/tag is 100 characters long; the limit is 64/);
	});

	it('refuses a feed without a valid feed token with 401', async () => {
		const path = `/feeds/${groupId}.rss`;
		const none = await fetch(relay.url + path);
		expect(none.status).toBe(401);
		expect(await none.text()).toMatch(/feed token/);
		const wrong = await fetch(`${relay.url}${path}?token=${newToken()}`);
		expect(wrong.status).toBe(401);
		const unknownGroup = await fetch(`${relay.url}/feeds/no-such-group.atom?token=${newToken()}`);
		expect([401, 404]).toContain(unknownGroup.status);
	});

	it('stops serving an old feed token once the owner rotates it', async () => {
		const rotated = await api('feed/rotate', { method: 'POST' });
		expect(rotated.status).toBe(200);
		const fresh = (await rotated.json()) as typeof links;
		expect((await fetch(relay.url + links.rss)).status).toBe(401);
		expect((await fetch(relay.url + fresh.rss)).status).toBe(200);
		links = fresh;
	});

	it('exports the group through the API as a backup that imports into an identical listing', async () => {
		const res = await api('export?format=json');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		const restored = new Y.Doc({ guid: 'restored' });
		createGroup(restored, { memberId: 'carol' }, { name: 'Restored' });
		importFile(restored, { memberId: 'carol' }, { name: 'backup.json', text: await res.text() });
		const shape = (doc: Y.Doc) => JSON.stringify(readAllItems(doc).sort((a, b) => a.id.localeCompare(b.id)));
		expect(shape(restored)).toBe(shape(owner.doc));
	});
});
