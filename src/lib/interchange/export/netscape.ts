// Netscape bookmark HTML, the file every browser, Pinboard and Diigo can import: one folder per
// item's first tag (browsers ignore TAGS, so folders are what makes the file useful there), one <DT>
// per item with all its tags in TAGS, its save date, site name, description and icon (Firefox's ICON_URI).
import type * as Y from 'yjs';
import { getGroupInfo, newestFirst, readAllItems } from '../../model/index';
import type { Item } from '../../model/index';
import { escapeXml } from '../xml';

function bookmark(item: Item, indent: string): string[] {
	const attrs = [`HREF="${escapeXml(item.url)}"`, `ADD_DATE="${Math.floor(item.createdAt / 1000)}"`];
	if (item.updatedAt > item.createdAt) attrs.push(`LAST_MODIFIED="${Math.floor(item.updatedAt / 1000)}"`);
	if (item.tags.length) attrs.push(`TAGS="${escapeXml(item.tags.join(','))}"`);
	// Not in the original format; browsers ignore attributes they do not know, and our import reads them.
	if (item.site) attrs.push(`SITE="${escapeXml(item.site)}"`);
	if (item.image) attrs.push(`IMAGE="${escapeXml(item.image)}"`);
	if (item.favicon) attrs.push(`ICON_URI="${escapeXml(item.favicon)}"`);
	const lines = [`${indent}<DT><A ${attrs.join(' ')}>${escapeXml(item.title || item.url)}</A>`];
	if (item.description) lines.push(`${indent}<DD>${escapeXml(item.description)}`);
	return lines;
}

export function exportNetscape(doc: Y.Doc): string {
	const info = getGroupInfo(doc);
	// Only web pages become bookmarks: a javascript: or data: address written raw into the doc is no link.
	const items = readAllItems(doc)
		.filter((item) => item.deletedAt === null && /^https?:\/\//i.test(item.url))
		.sort(newestFirst);
	const folders = new Map<string, Item[]>();
	const loose: Item[] = [];
	for (const item of items) {
		const first = item.tags[0];
		if (first === undefined) {
			loose.push(item);
			continue;
		}
		const folder = folders.get(first);
		if (folder) folder.push(item);
		else folders.set(first, [item]);
	}
	const lines = [
		'<!DOCTYPE NETSCAPE-Bookmark-file-1>',
		'<!-- This is an automatically generated file. It will be read and overwritten. DO NOT EDIT! -->',
		'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
		`<TITLE>${escapeXml(info.name || 'Bookmarks')}</TITLE>`,
		`<H1>${escapeXml(info.name || 'Bookmarks')}</H1>`,
		'<DL><p>'
	];
	for (const [tag, tagged] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
		lines.push(`    <DT><H3>${escapeXml(tag)}</H3>`, '    <DL><p>');
		for (const item of tagged) lines.push(...bookmark(item, '        '));
		lines.push('    </DL><p>');
	}
	for (const item of loose) lines.push(...bookmark(item, '    '));
	lines.push('</DL><p>');
	return lines.join('\n') + '\n';
}
