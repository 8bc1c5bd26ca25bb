import { describe, expect, it } from 'vitest';
import { addItem, hash64, listItems, readAllItems, roots } from '../../model/index';
import { fixture, member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { applyImport, importFile, planImport } from './index';
import { previewImport, withoutPrivate } from './preview';

function byUrl(doc: ReturnType<typeof newGroup>) {
	return new Map(readAllItems(doc).map((item) => [item.url, item]));
}

describe('Netscape bookmark import', () => {
	it('reads a Firefox export: folders become tags, TAGS, ADD_DATE in seconds, DD descriptions, duplicates merged', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), fixture('firefox.html'));
		expect(summary.format).toBe('Netscape bookmarks');
		expect(summary.added).toBe(4);
		const items = byUrl(doc);
		const amateurs = items.get('https://example.org/amateurs')!;
		expect(amateurs.title).toBe('Les amateurs & le travail');
		expect(amateurs.tags).toEqual(['amateur', 'duplicate', 'sociologie', 'travail & emploi']);
		expect(amateurs.description).toBe("Une note sur l'amateurisme\nsur deux lignes.");
		// The earlier of the two saves of the same page wins.
		expect(amateurs.createdAt).toBe(1_705_000_000_000);
		expect(items.get('https://example.org/livre')!.tags).toEqual(['lectures', 'travail & emploi']);
		// The toolbar folder says where a bookmark was shown, not what it is about.
		expect(items.get('https://news.example.com')!.tags).toEqual(['news']);
	});

	it('takes a Firefox ICON_URI as the page’s icon, and leaves out one that is no web address', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('firefox.html'));
		expect(byUrl(doc).get('https://www.mozilla.org/en-US/firefox/central')!.favicon).toBe(
			'https://www.mozilla.org/media/img/favicons/firefox/browser/favicon.f093404c0135.ico'
		);
		const text = [
			'<!DOCTYPE NETSCAPE-Bookmark-file-1>',
			'<DL><p>',
			// Firefox writes a made-up address for pages whose icon it never fetched.
			'<DT><A HREF="https://example.org/a" ICON_URI="fake-favicon-uri:https://example.org/a">A</A>',
			'<DT><A HREF="https://example.org/b" ICON_URI="javascript:alert(1)">B</A>',
			'</DL><p>'
		].join('\n');
		const other = newGroup();
		expect(importFile(other, member('alice'), { name: 'icons.html', text })).toMatchObject({ added: 2, skipped: [] });
		expect(readAllItems(other).map((item) => item.favicon)).toEqual(['', '']);
	});

	it('skips bookmarklets and place: queries, naming their lines', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), fixture('firefox.html'));
		expect(summary.skipped.map((s) => s.where)).toEqual(['line 22', 'line 25']);
		expect(summary.skipped[0].reason).toMatch(/javascript:/);
		expect(summary.message).toMatch(/^4 items added, 2 skipped: line 22: /);
	});

	it('reads a Chrome export with CRLF line ends and a byte order mark', () => {
		const doc = newGroup();
		const file = fixture('chrome-crlf-bom.html');
		expect(file.text.startsWith('\uFEFF')).toBe(true);
		expect(file.text).toContain('\r\n');
		importFile(doc, member('alice'), file);
		const items = byUrl(doc);
		expect([...items.keys()].sort()).toEqual([
			'https://chrome.example.com/a',
			'https://chrome.example.com/b',
			'https://chrome.example.com/tarte'
		]);
		expect(items.get('https://chrome.example.com/tarte')!).toMatchObject({ title: 'Tarte à la rhubarbe 🥧', tags: ['recettes'] });
		expect(items.get('https://chrome.example.com/b')!.tags).toEqual([]);
	});

	it('reads Pinboard files with unclosed <DT>, <A> and <p> tags', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('pinboard.html'));
		const items = byUrl(doc);
		expect(items.get('https://pinboard.example/one')!).toMatchObject({
			title: 'One "quoted" title',
			tags: ['indieweb', 'toread', 'web'],
			description: 'First description with no markup kept as text',
			createdAt: 1_600_000_000_000
		});
		expect(items.get('https://pinboard.example/three')!).toMatchObject({ title: 'Three', description: 'Unclosed link, description follows' });
		expect(items.get('https://pinboard.example/four')!.tags).toEqual(['web']);
	});

	it('reads Safari (no dates, root folders skipped) and Diigo exports', () => {
		const safari = newGroup();
		importFile(safari, member('alice'), fixture('safari.html'));
		const items = byUrl(safari);
		expect(items.get('https://safari.example/apple')!.tags).toEqual([]);
		expect(items.get('https://safari.example/type')!.tags).toEqual(['design']);
		const diigo = newGroup();
		importFile(diigo, member('alice'), fixture('diigo.html'));
		expect(listItems(diigo).items.map((i) => [i.title, i.tags])).toEqual([
			['Second item', ['amateur']],
			['Amateurs et travail', ['amateur', 'tic', 'travail']]
		]);
	});

	it('keeps hostile titles as plain text and refuses javascript:, data: and blank addresses', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), fixture('hostile.html'));
		const items = byUrl(doc);
		expect(items.get('https://hostile.example/x')!.title).toBe('<script>alert("title")</script> & more');
		expect(items.get('https://hostile.example/x')!.tags).toEqual(['<script>alert(1)</script>']);
		// A script element inside a link is not part of its title.
		expect(items.get('https://hostile.example/y')!.title).toBe('Real title');
		expect(summary.skipped.map((s) => s.reason)).toEqual([
			expect.stringMatching(/"javascript:" links are refused/),
			expect.stringMatching(/"javascript:" links are refused/),
			expect.stringMatching(/"data:" links are refused/),
			'It has no address.'
		]);
		expect(items.size).toBe(2);
	});

	it('changes nothing when the same file is imported twice', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('firefox.html'));
		const before = JSON.stringify(readAllItems(doc));
		let updates = 0;
		doc.on('update', () => updates++);
		const again = importFile(doc, member('alice', Date.UTC(2027, 0, 1)), fixture('firefox.html'));
		expect(again).toMatchObject({ added: 0, merged: 0, unchanged: 4 });
		expect(JSON.stringify(readAllItems(doc))).toBe(before);
		expect(updates).toBe(0);
	});
});

describe('sloppy and hostile Netscape files', () => {
	it('reads unclosed <A>, <H3>, <DD> and <p> elements', () => {
		const doc = newGroup();
		const text = [
			'<!DOCTYPE NETSCAPE-Bookmark-file-1>',
			'<DL><p>',
			'<DT><H3>Outer',
			'<DL><p>',
			'<DT><A HREF="https://sloppy.example/1">One',
			'<DD>First description<p>',
			'<DT><A HREF="https://sloppy.example/2">Two<p>',
			'</DL><p>',
			'<DT><A HREF="https://sloppy.example/3">Three</A>'
		].join('\n');
		importFile(doc, member('alice'), { name: 'sloppy.html', text });
		expect(listItems(doc).items.map((i) => [i.url, i.title, i.tags, i.description]).sort()).toEqual([
			['https://sloppy.example/1', 'One', ['outer'], 'First description'],
			['https://sloppy.example/2', 'Two', ['outer'], ''],
			['https://sloppy.example/3', 'Three', [], '']
		]);
	});

	it('keeps at most 100 folder tags however deep the folders go', () => {
		const text = '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n' + '<DT><H3>f</H3><DL><p>'.repeat(200).replace(/f/g, () => `f${Math.random()}`) + '<DT><A HREF="https://deep.example/">x</A>';
		const doc = newGroup();
		importFile(doc, member('alice'), { name: 'deep.html', text });
		expect(readAllItems(doc)[0].tags).toHaveLength(100);
	});
});

describe('Netscape import: what real exports mean', () => {
	it('keeps a tag with a space as one tag (linkding, Pinboard and our own TAGS are comma-separated)', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), fixture('linkding-multiword-tags.html'));
		const tagsOf = (url: string) => readAllItems(doc).find((i) => i.url === url)?.tags;
		expect(tagsOf('https://www.deeplearningbook.org')).toEqual(['machine learning']);
		expect(tagsOf('https://scikit-learn.org/stable')).toEqual(['machine learning', 'python']);
		expect(tagsOf('https://en.wikipedia.org/wiki/Commonplace_book')).toEqual(['history of books', 'note taking']);
	});

	it('treats Diigo’s "NAME’s bookmarks" wrapper folder as a root and marks PRIVATE="1" bookmarks', () => {
		const plan = planImport(fixture('diigo-wrapper-private.html'));
		expect(plan.items.map((i) => i.tags)).toEqual([['amateur', 'travail'], ['digital labor'], ['perso'], ['travail', 'sociologie']]);
		expect(plan.items.filter((i) => i.private).map((i) => i.title)).toEqual(['Digital labor, notes personnelles', 'Relevé de compte']);
		const doc = newGroup();
		expect(previewImport(doc, plan)).toMatchObject({ items: 4, privateItems: 2 });
		const summary = applyImport(doc, member('alice'), withoutPrivate(plan), 'diigo.html');
		expect(summary.added).toBe(2);
		expect(readAllItems(doc).map((i) => i.title).sort()).toEqual(['La vie des idées', 'Les amateurs et le travail']);
	});

	it('keeps app routes and query bytes apart, and lists the entries that become one page with both titles', () => {
		const doc = newGroup();
		const plan = planImport(fixture('spa-routes.html'));
		expect(plan.items.map((i) => i.url)).toEqual([
			'https://mail.example.com/#/inbox',
			'https://mail.example.com/#/settings/filters',
			'https://forum.example.org/#!/topic/42',
			'https://wiki.example.org/index.php?title=Main_Page&action=history&view',
			'https://search.example.net/find?q=commonplace%20book',
			'https://www.rue89.com/amateurs',
			'https://docs.example.org/guide'
		]);
		expect(previewImport(doc, plan).merges).toEqual([
			{
				url: 'https://www.rue89.com/amateurs',
				first: { url: 'https://www.rue89.com/amateurs?utm_source=twitter&utm_medium=social', title: 'Amateurs (from Twitter)' },
				second: { url: 'https://www.rue89.com/amateurs/', title: 'Les amateurs et le travail' },
				withGroup: false
			}
		]);
		// A page already in the group under another address and title is listed too.
		addItem(doc, member('alice'), { url: 'https://docs.example.org/guide', title: 'The guide' });
		expect(previewImport(doc, plan).merges.at(-1)).toEqual({
			url: 'https://docs.example.org/guide',
			first: { url: 'https://docs.example.org/guide', title: 'The guide' },
			second: { url: 'https://docs.example.org/guide#installation', title: 'Guide, installation' },
			withGroup: true
		});
	});

	it('merges into an item saved under the older normalisation of its address instead of adding a second', () => {
		const doc = newGroup();
		// What an earlier version stored for "https://search.example.net/find?q=commonplace%20book".
		const oldUrl = 'https://search.example.net/find?q=commonplace+book';
		doc.transact(() => roots(doc).items.set(hash64(oldUrl), { url: oldUrl }));
		const summary = importFile(doc, member('alice'), fixture('spa-routes.html'));
		expect(summary).toMatchObject({ added: 6, merged: 1 });
		expect(readAllItems(doc).filter((i) => i.url.startsWith('https://search.example.net'))).toMatchObject([
			{ url: oldUrl, title: 'Search: commonplace book' }
		]);
	});
});
