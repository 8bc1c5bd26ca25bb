// Renders a group as an RSS 2.0 or Atom 1.0 (RFC 4287) feed, whole, for one tag or one member's items,
// and an OPML file listing the group's per-tag feeds, for feed readers. All user text is escaped;
// what an owner hid is left out, and mentions read as the member's name.
import type * as Y from 'yjs';
import { countTags, getGroupInfo, lastChangeOf, listMembers, newestFirst, normalizeTag, plainMentions, readAllItems, readHidden, visibleItems } from '../model/index';
import type { Item } from '../model/index';
import { escapeXml, xmlSafe } from './xml';

export type FeedFormat = 'rss' | 'atom' | 'opml';

export const FEED_LIMIT = { default: 50, max: 200 } as const;

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
	rss: 'application/rss+xml; charset=utf-8',
	atom: 'application/atom+xml; charset=utf-8',
	opml: 'text/x-opml; charset=utf-8'
};

export interface FeedOptions {
	/** Where the app is served, like https://commonplace.example.org (no trailing slash). */
	origin: string;
	tag?: string | null;
	/** Only the items this member saved (a member id, as in the group page's `?member=`). */
	member?: string | null;
	/** How many items, newest first; clamped to 1..200, 50 when missing or not a number. */
	limit?: number | string | null;
	/** The group's id as addressed; defaults to the document's guid. */
	groupId?: string;
	/** The feed token, written into the feed addresses an OPML file lists (nowhere else). */
	token?: string | null;
}

export interface RenderedFeed {
	body: string;
	contentType: string;
	/** The group's last change (or its newest item's date, if later), in ms; 0 when neither is known. */
	lastModified: number;
}

/** Reads `?limit=` leniently: a feed reader should get a feed, not an error, for a silly limit. */
export function feedLimit(value: FeedOptions['limit']): number {
	const n = Math.floor(Number(value));
	if (value === null || value === undefined || value === '' || !Number.isFinite(n)) return FEED_LIMIT.default;
	return Math.min(Math.max(n, 1), FEED_LIMIT.max);
}

interface FeedView {
	groupId: string;
	title: string;
	pageUrl: string;
	tag: string | null;
	member: string | null;
	items: Item[];
	names: Map<string, string>;
	lastModified: number;
}

function feedView(doc: Y.Doc, options: FeedOptions): FeedView {
	const info = getGroupInfo(doc);
	const tag = options.tag ? normalizeTag(options.tag) : null;
	const member = options.member?.trim() || null;
	// A feed token reads as no member does: what an owner hid, and the replies under it, are left out.
	const all = visibleItems(readAllItems(doc), readHidden(doc), 'omit').filter(
		(item) => (tag === null || item.tags.includes(tag)) && (member === null || item.savedBy.some((s) => s.memberId === member))
	);
	// The group's last change, not the newest item's date: an import of old pages, a removed tag or
	// a deleted item all change the feed. Item dates count too, for groups written before it was kept.
	const lastModified = all.reduce((max, item) => Math.max(max, item.updatedAt), lastChangeOf(doc));
	const names = new Map(listMembers(doc).map((m) => [m.id, m.name]));
	const nameOf = (id: string) => names.get(id) ?? null;
	// Feed readers show text: what was hidden goes, and mentions become the member's name.
	const items = all
		.filter((item) => item.deletedAt === null)
		.sort(newestFirst)
		.slice(0, feedLimit(options.limit))
		.map((item) => ({
			...item,
			highlights: item.highlights.map((h) => ({ ...h, note: plainMentions(h.note, nameOf) })),
			notes: item.notes.map((n) => ({ ...n, text: plainMentions(n.text, nameOf) })),
			replies: item.replies.map((r) => ({ ...r, text: plainMentions(r.text, nameOf) }))
		}));
	const groupName = info.name || 'Untitled group';
	const groupId = options.groupId ?? info.id;
	const query = [tag ? `tag=${encodeURIComponent(tag)}` : '', member ? `member=${encodeURIComponent(member)}` : ''].filter(Boolean).join('&');
	const pageUrl = `${options.origin}/g/${encodeURIComponent(groupId)}${query ? `?${query}` : ''}`;
	const title = [tag ? `items tagged ${tag}` : '', member ? `saved by ${names.get(member) ?? 'a former member'}` : ''].filter(Boolean).join(', ');
	return {
		groupId,
		title: title ? `${groupName}: ${title}` : groupName,
		pageUrl,
		tag,
		member,
		items,
		names,
		lastModified
	};
}

function posterName(view: FeedView, memberId: string): string {
	return view.names.get(memberId) || 'Unknown member';
}

function paragraphs(text: string): string {
	return text
		.split(/\n{2,}/)
		.map((p) => p.trim())
		.filter(Boolean)
		.map((p) => `<p>${escapeXml(p).replace(/\n/g, '<br>')}</p>`)
		.join('');
}

/** The HTML shown for an item in a feed reader: its description, highlights with their notes, and notes. */
export function itemContentHtml(item: Item, nameOf: (memberId: string) => string): string {
	let html = paragraphs(item.description);
	if (item.highlights.length > 0) {
		html += '<ul>';
		for (const h of item.highlights) {
			html += `<li><blockquote>${escapeXml(h.exact)}</blockquote>`;
			if (h.note.trim()) html += paragraphs(h.note);
			html += `<p><small>${escapeXml(nameOf(h.createdBy))}</small></p></li>`;
		}
		html += '</ul>';
	}
	for (const n of item.notes) {
		html += `<div><p><strong>${escapeXml(nameOf(n.createdBy))}</strong>:</p>${paragraphs(n.text)}</div>`;
	}
	return html;
}

/** A line of plain text for readers that show a summary: the description, or the first highlight. */
function itemSummary(item: Item): string {
	const text = item.description || (item.highlights[0] ? `“${item.highlights[0].exact}”` : '') || item.notes[0]?.text || '';
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > 300 ? line.slice(0, 299) + '…' : line;
}

function itemPageUrl(view: FeedView, options: FeedOptions, item: Item): string {
	return `${options.origin}/g/${encodeURIComponent(view.groupId)}/i/${encodeURIComponent(item.id)}`;
}

/** Where an entry links to: the page itself when it is a web page, otherwise the item in the app (SPEC §3.5). */
function itemLink(view: FeedView, options: FeedOptions, item: Item): string {
	return /^https?:\/\//i.test(item.url) ? item.url : itemPageUrl(view, options, item);
}

function rfc822(ms: number): string {
	return new Date(ms).toUTCString();
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

export function renderRss(doc: Y.Doc, options: FeedOptions): RenderedFeed {
	const view = feedView(doc, options);
	const out: string[] = [];
	out.push('<?xml version="1.0" encoding="utf-8"?>');
	out.push('<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">');
	out.push('<channel>');
	out.push(`<title>${escapeXml(view.title)}</title>`);
	out.push(`<link>${escapeXml(view.pageUrl)}</link>`);
	out.push(`<description>${escapeXml(view.tag ? `Items tagged ${view.tag} in ${view.title}` : `Items in ${view.title}`)}</description>`);
	out.push('<generator>Commonplace</generator>');
	if (view.lastModified) out.push(`<lastBuildDate>${rfc822(view.lastModified)}</lastBuildDate>`);
	for (const item of view.items) {
		const nameOf = (id: string) => posterName(view, id);
		out.push('<item>');
		out.push(`<title>${escapeXml(item.title || item.url)}</title>`);
		out.push(`<link>${escapeXml(itemLink(view, options, item))}</link>`);
		out.push(`<guid isPermaLink="false">${escapeXml(itemPageUrl(view, options, item))}</guid>`);
		out.push(`<dc:creator>${escapeXml(nameOf(item.createdBy))}</dc:creator>`);
		out.push(`<pubDate>${rfc822(item.createdAt)}</pubDate>`);
		for (const tag of item.tags) out.push(`<category>${escapeXml(tag)}</category>`);
		out.push(`<description>${escapeXml(itemSummary(item))}</description>`);
		out.push(`<content:encoded>${escapeXml(itemContentHtml(item, nameOf))}</content:encoded>`);
		out.push(`<comments>${escapeXml(itemPageUrl(view, options, item))}</comments>`);
		out.push('</item>');
	}
	out.push('</channel>');
	out.push('</rss>');
	return { body: out.join('\n') + '\n', contentType: FEED_CONTENT_TYPES.rss, lastModified: view.lastModified };
}

export function renderAtom(doc: Y.Doc, options: FeedOptions): RenderedFeed {
	const view = feedView(doc, options);
	const out: string[] = [];
	out.push('<?xml version="1.0" encoding="utf-8"?>');
	out.push('<feed xmlns="http://www.w3.org/2005/Atom">');
	out.push(`<title>${escapeXml(view.title)}</title>`);
	out.push(`<id>${escapeXml(view.pageUrl)}</id>`);
	out.push(`<link rel="alternate" type="text/html" href="${escapeXml(view.pageUrl)}"/>`);
	// RFC 4287 requires a feed-level date; an empty group uses the epoch rather than "now" so the body stays stable.
	out.push(`<updated>${iso(view.lastModified)}</updated>`);
	out.push('<generator>Commonplace</generator>');
	for (const item of view.items) {
		const nameOf = (id: string) => posterName(view, id);
		out.push('<entry>');
		out.push(`<title type="text">${escapeXml(item.title || item.url)}</title>`);
		out.push(`<link rel="alternate" href="${escapeXml(itemLink(view, options, item))}"/>`);
		out.push(`<link rel="related" type="text/html" href="${escapeXml(itemPageUrl(view, options, item))}"/>`);
		out.push(`<id>${escapeXml(itemPageUrl(view, options, item))}</id>`);
		out.push(`<published>${iso(item.createdAt)}</published>`);
		out.push(`<updated>${iso(Math.max(item.updatedAt, item.createdAt))}</updated>`);
		out.push(`<author><name>${escapeXml(nameOf(item.createdBy))}</name></author>`);
		for (const tag of item.tags) out.push(`<category term="${escapeXml(tag)}" label="${escapeXml(tag)}"/>`);
		const summary = itemSummary(item);
		if (summary) out.push(`<summary type="text">${escapeXml(summary)}</summary>`);
		out.push(`<content type="html">${escapeXml(itemContentHtml(item, nameOf))}</content>`);
		out.push('</entry>');
	}
	out.push('</feed>');
	return { body: out.join('\n') + '\n', contentType: FEED_CONTENT_TYPES.atom, lastModified: view.lastModified };
}

/** The address of one of the group's feeds, with the feed token when one is given. */
export function feedUrl(origin: string, groupId: string, format: FeedFormat, tag?: string | null, token?: string | null): string {
	const params = new URLSearchParams();
	if (tag) params.set('tag', tag);
	if (token) params.set('token', token);
	const query = params.toString();
	return `${origin}/feeds/${encodeURIComponent(groupId)}.${format}${query ? `?${query}` : ''}`;
}

/** An OPML 2.0 subscription list: the whole group's feed, then one per tag, most used tags first. */
export function renderOpml(doc: Y.Doc, options: FeedOptions): RenderedFeed {
	const info = getGroupInfo(doc);
	const items = readAllItems(doc);
	const lastModified = items.reduce((max, item) => Math.max(max, item.updatedAt), lastChangeOf(doc));
	const groupName = info.name || 'Untitled group';
	const groupId = options.groupId ?? info.id;
	const pageUrl = `${options.origin}/g/${encodeURIComponent(groupId)}`;
	const outline = (text: string, tag: string | null) =>
		`<outline type="rss" text="${escapeXml(text)}" title="${escapeXml(text)}" xmlUrl="${escapeXml(
			feedUrl(options.origin, groupId, 'rss', tag, options.token)
		)}" htmlUrl="${escapeXml(tag ? `${pageUrl}?tag=${encodeURIComponent(tag)}` : pageUrl)}"/>`;
	const out: string[] = [];
	out.push('<?xml version="1.0" encoding="utf-8"?>');
	out.push('<opml version="2.0">');
	out.push(`<head><title>${escapeXml(`Feeds of ${groupName}`)}</title>${lastModified ? `<dateModified>${rfc822(lastModified)}</dateModified>` : ''}</head>`);
	out.push('<body>');
	out.push(outline(groupName, null));
	const tags = countTags(items);
	if (tags.length > 0) {
		out.push(`<outline text="${escapeXml(`${groupName}: tags`)}">`);
		for (const { tag, count } of tags) out.push(outline(`${groupName}: ${tag} (${count})`, tag));
		out.push('</outline>');
	}
	out.push('</body>');
	out.push('</opml>');
	return { body: xmlSafe(out.join('\n') + '\n'), contentType: FEED_CONTENT_TYPES.opml, lastModified };
}

export function renderFeed(doc: Y.Doc, format: FeedFormat, options: FeedOptions): RenderedFeed {
	if (format === 'rss') return renderRss(doc, options);
	if (format === 'atom') return renderAtom(doc, options);
	return renderOpml(doc, options);
}
