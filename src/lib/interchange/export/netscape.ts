// Netscape bookmark HTML, the file every browser, Pinboard and Diigo can import: one <DT> per item
// with its tags, save date and description.
import type * as Y from 'yjs';
import { getGroupInfo, newestFirst, readAllItems } from '../../model/index';
import { escapeXml } from '../xml';

export function exportNetscape(doc: Y.Doc): string {
	const info = getGroupInfo(doc);
	const items = readAllItems(doc).filter((item) => item.deletedAt === null).sort(newestFirst);
	const lines = [
		'<!DOCTYPE NETSCAPE-Bookmark-file-1>',
		'<!-- This is an automatically generated file. It will be read and overwritten. DO NOT EDIT! -->',
		'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
		`<TITLE>${escapeXml(info.name || 'Bookmarks')}</TITLE>`,
		`<H1>${escapeXml(info.name || 'Bookmarks')}</H1>`,
		'<DL><p>'
	];
	for (const item of items) {
		// Only web pages become bookmarks: a javascript: or data: address written raw into the doc is no link.
		if (!/^https?:\/\//i.test(item.url)) continue;
		const attrs = [`HREF="${escapeXml(item.url)}"`, `ADD_DATE="${Math.floor(item.createdAt / 1000)}"`];
		if (item.updatedAt > item.createdAt) attrs.push(`LAST_MODIFIED="${Math.floor(item.updatedAt / 1000)}"`);
		if (item.tags.length) attrs.push(`TAGS="${escapeXml(item.tags.join(','))}"`);
		lines.push(`    <DT><A ${attrs.join(' ')}>${escapeXml(item.title || item.url)}</A>`);
		if (item.description) lines.push(`    <DD>${escapeXml(item.description)}`);
	}
	lines.push('</DL><p>');
	return lines.join('\n') + '\n';
}
