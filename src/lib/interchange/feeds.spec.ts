import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { addHighlight, addItem, addNote, deleteItem, mentionToken, setHidden, setMemberProfile } from '../model/index';
import { member, newGroup } from '../../../tests/fixtures/interchange/helpers';
import { importFile } from './import/index';
import { feedLimit, renderAtom, renderOpml, renderRss } from './feeds';
import { escapeXml, xmlSafe } from './xml';

const ORIGIN = 'https://commonplace.example';
const T = Date.UTC(2025, 5, 1, 12);

function group() {
	const doc = newGroup('Tic&Travail', member('alice', T - 60_000));
	setMemberProfile(doc, member('bob', T - 60_000), { name: 'Bob "the <builder>"', color: '#aa3300' });
	for (let i = 0; i < 60; i++) {
		addItem(doc, member(i % 2 ? 'bob' : 'alice', T + i * 60_000), { url: `https://example.org/${i}`, title: `Item ${i}`, tags: i % 3 === 0 ? ['three'] : ['other'] });
	}
	const special = addItem(doc, member('bob', T + 3_600_000 * 24), {
		url: 'https://example.org/special?q=1&r=2',
		title: 'Fish & <Chips> "quoted" \'single\' 🐟\u0001\uFFFE',
		tags: ['three', 'a&b']
	}).itemId;
	addHighlight(doc, member('alice', T + 3_600_000 * 25), special, { exact: '<script>alert(1)</script>', note: 'so & so' });
	addNote(doc, member('bob', T + 3_600_000 * 26), special, { text: 'A note\n\nwith <b>tags</b>' });
	const gone = addItem(doc, member('alice', T + 3_600_000 * 30), { url: 'https://example.org/gone', title: 'Deleted', tags: ['three'] }).itemId;
	deleteItem(doc, member('alice', T + 3_600_000 * 31), gone);
	return doc;
}

describe('xml escaping', () => {
	it('escapes markup characters and removes what XML 1.0 forbids', () => {
		expect(escapeXml(`a&b<c>"d"'e'`)).toBe('a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;');
		expect(xmlSafe('ok\u0000\u0008\u000b\u001f\uFFFE\uFFFF\uD800 tab\tnl\n🐟')).toBe('ok tab\tnl\n🐟');
	});
});

describe('feeds', () => {
	const doc = group();

	it('RSS: newest first, limited to 50, deleted items left out, every field escaped', () => {
		const rss = renderRss(doc, { origin: ORIGIN });
		expect(rss.body).not.toMatch(/[\u0001\uFFFE]/);
		const feed = parseFeed(rss.body);
		expect(feed.title).toBe('Tic&Travail');
		expect(feed.items).toHaveLength(50);
		const [first, second] = feed.items;
		expect(first.title).toBe('Fish & <Chips> "quoted" \'single\' 🐟');
		expect(first.url).toBe('https://example.org/special?q=1&r=2');
		expect(first.published?.getTime()).toBe(T + 3_600_000 * 24);
		expect(first.authors.map((a) => a.name)).toEqual(['Bob "the <builder>"']);
		expect(first.categories.map((c) => c.term)).toEqual(['a&b', 'three']);
		// The HTML is escaped once for HTML and once for XML; the parser undoes both, so check the wire too.
		expect(rss.body).toContain('&lt;blockquote&gt;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;&lt;/blockquote&gt;');
		expect(first.content).toContain('alert(1)</script></blockquote><p>so & so</p>');
		expect(first.content).toContain('<strong>Bob "the <builder>"</strong>');
		expect(first.description).toBe('“<script>alert(1)</script>”');
		expect(second.title).toBe('Item 59');
		expect(rss.lastModified).toBe(T + 3_600_000 * 31);
	});

	it('dates the feed by the group’s last change, so an import of older pages moves it', () => {
		const doc = group();
		const before = renderAtom(doc, { origin: ORIGIN }).lastModified;
		const importedAt = T + 3_600_000 * 40;
		const file = '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="https://example.org/old" ADD_DATE="946684800">Old</A>\n</DL><p>\n';
		importFile(doc, member('carol', importedAt), { name: 'old.html', text: file });
		const atom = renderAtom(doc, { origin: ORIGIN });
		expect(before).toBe(T + 3_600_000 * 31);
		expect(atom.lastModified).toBe(importedAt);
		expect(parseFeed(atom.body).updated?.toISOString()).toBe(new Date(importedAt).toISOString());
		expect(renderRss(doc, { origin: ORIGIN, tag: 'three' }).lastModified).toBe(importedAt);
	});

	it('Atom: the same entries with ids, authors, categories and dates', () => {
		const atom = renderAtom(doc, { origin: ORIGIN, tag: 'Three', limit: '5' });
		const feed = parseFeed(atom.body);
		expect(feed.title).toBe('Tic&Travail: items tagged three');
		expect(feed.items.map((i) => i.title)).toEqual(['Fish & <Chips> "quoted" \'single\' 🐟', 'Item 57', 'Item 54', 'Item 51', 'Item 48']);
		const [first] = feed.items;
		expect(first.id).toMatch(new RegExp(`^${ORIGIN}/g/group-\\d+/i/[0-9a-f]{16}$`));
		expect(first.url).toBe('https://example.org/special?q=1&r=2');
		expect(first.updated?.getTime()).toBe(T + 3_600_000 * 26);
		expect(first.categories.map((c) => c.term)).toEqual(['a&b', 'three']);
		expect(first.content).toContain('<p>so & so</p>');
		expect(atom.body).toContain('&lt;p&gt;with &amp;lt;b&amp;gt;tags&amp;lt;/b&amp;gt;&lt;/p&gt;');
	});

	it('follows one member’s items with ?member=, alone or with a tag', () => {
		const rss = parseFeed(renderRss(doc, { origin: ORIGIN, member: 'bob' }).body);
		expect(rss.title).toBe('Tic&Travail: saved by Bob "the <builder>"');
		expect(rss.items).toHaveLength(31);
		expect(rss.items.every((i) => i.authors[0]?.name === 'Bob "the <builder>"')).toBe(true);
		const atom = parseFeed(renderAtom(doc, { origin: ORIGIN, member: 'alice', tag: 'three' }).body);
		expect(atom.title).toBe('Tic&Travail: items tagged three, saved by Alice');
		expect(atom.items.map((i) => i.title)).toEqual(['Item 54', 'Item 48', 'Item 42', 'Item 36', 'Item 30', 'Item 24', 'Item 18', 'Item 12', 'Item 6', 'Item 0']);
		expect(renderAtom(doc, { origin: ORIGIN, member: 'alice' }).body).toContain(`href="${ORIGIN}/g/${doc.guid}?member=alice"`);
		expect(parseFeed(renderRss(doc, { origin: ORIGIN, member: 'nobody' }).body).items).toEqual([]);
	});

	it('leaves out what an owner hid, and shows mentions as the member’s name', () => {
		const doc = group();
		const owner = member('alice', T + 3_600_000 * 40);
		const { itemId } = addItem(doc, owner, { url: 'https://example.org/talk', title: 'Talk' });
		addNote(doc, owner, itemId, { text: `Ask ${mentionToken({ id: 'bob', name: 'Old Bob' })} about it` });
		const spam = addNote(doc, owner, itemId, { text: 'Cheap pills' });
		const gone = addItem(doc, owner, { url: 'https://example.org/spam', title: 'Spam page' }).itemId;
		setHidden(doc, owner, { kind: 'note', id: spam }, true);
		setHidden(doc, owner, { kind: 'item', id: gone }, true);
		const body = renderRss(doc, { origin: ORIGIN }).body;
		const items = parseFeed(body).items;
		expect(items.map((i) => i.title)).not.toContain('Spam page');
		const talk = items.find((i) => i.title === 'Talk')!;
		expect(talk.content).toContain('Ask @Bob "the <builder>" about it');
		expect(body).not.toContain('Cheap pills');
		expect(body).not.toContain('member:bob');
	});

	it('reads ?limit= leniently, up to 200', () => {
		expect([feedLimit(undefined), feedLimit('abc'), feedLimit('0'), feedLimit('7'), feedLimit(5_000)]).toEqual([50, 50, 1, 7, 200]);
	});

	it('OPML lists the group feed and one per tag, with the feed token', () => {
		const opml = renderOpml(doc, { origin: ORIGIN, token: 'feed&token' });
		expect(opml.body).toContain(`xmlUrl="${ORIGIN}/feeds/${doc.guid}.rss?token=feed%26token"`);
		expect(opml.body).toContain(`xmlUrl="${ORIGIN}/feeds/${doc.guid}.rss?tag=a%26b&amp;token=feed%26token"`);
		expect(opml.body).toContain('text="Tic&amp;Travail: other (40)"');
		expect(opml.body.match(/type="rss"/g)).toHaveLength(4);
	});
});
