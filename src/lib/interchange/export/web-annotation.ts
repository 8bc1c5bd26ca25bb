// W3C Web Annotation JSON-LD: the group as one AnnotationCollection. Each item is a bookmarking
// annotation carrying its tags (tagging bodies) and description, and its page's title, site name
// (dc:publisher) and image (schema:image); each highlight a TextQuoteSelector target (and, when the
// highlight knows where the passage is, a TextPositionSelector beside it) with its note as a commenting body; each note a commenting annotation on the page. Creators carry member ids.
import type * as Y from 'yjs';
import { getGroupInfo, listMembers, newestFirst, readAllItems } from '../../model/index';

const CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

type JsonLd = Record<string, unknown>;

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

function textBody(value: string, purpose: string, format = 'text/plain'): JsonLd {
	return { type: 'TextualBody', value, purpose, format };
}

export function webAnnotationCollection(doc: Y.Doc): JsonLd {
	const info = getGroupInfo(doc);
	const names = new Map(listMembers(doc).map((m) => [m.id, m.name]));
	const creator = (memberId: string): JsonLd => ({
		id: `urn:commonplace:member:${encodeURIComponent(memberId)}`,
		type: 'Person',
		name: names.get(memberId) ?? 'Unknown member'
	});
	const group = encodeURIComponent(info.id);
	// Annotation ids do not mention the group, so the same highlight keeps its id in every export
	// (the app's and the relay's) and importing two exports of a group adds it once.
	const annotations: JsonLd[] = [];
	const items = readAllItems(doc).filter((item) => item.deletedAt === null).sort(newestFirst);
	for (const item of items) {
		const bodies = item.tags.map((tag) => textBody(tag, 'tagging'));
		if (item.description) bodies.push(textBody(item.description, 'describing'));
		const bookmark: JsonLd = {
			id: `urn:commonplace:item:${item.id}`,
			type: 'Annotation',
			motivation: 'bookmarking',
			created: iso(item.createdAt),
			creator: creator(item.createdBy),
			target: {
				id: item.url,
				type: 'Text',
				format: 'text/html',
				...(item.title ? { 'dc:title': item.title } : {}),
				...(item.site ? { 'dc:publisher': item.site } : {}),
				...(item.image ? { 'schema:image': item.image } : {})
			}
		};
		if (item.updatedAt > item.createdAt) bookmark.modified = iso(item.updatedAt);
		if (bodies.length) bookmark.body = bodies;
		annotations.push(bookmark);
		for (const h of item.highlights) {
			const quote: JsonLd = { type: 'TextQuoteSelector', exact: h.exact };
			if (h.prefix) quote.prefix = h.prefix;
			if (h.suffix) quote.suffix = h.suffix;
			// Several selectors of one target describe the same passage (W3C model 4.2).
			const selector = h.position ? [quote, { type: 'TextPositionSelector', start: h.position.start, end: h.position.end }] : quote;
			const highlight: JsonLd = {
				id: `urn:commonplace:highlight:${h.id}`,
				type: 'Annotation',
				motivation: h.note.trim() ? 'commenting' : 'highlighting',
				created: iso(h.createdAt),
				creator: creator(h.createdBy),
				target: { source: item.url, selector }
			};
			if (h.note.trim()) highlight.body = textBody(h.note, 'commenting', 'text/markdown');
			annotations.push(highlight);
		}
		for (const n of item.notes) {
			const note: JsonLd = {
				id: `urn:commonplace:note:${n.id}`,
				type: 'Annotation',
				motivation: 'commenting',
				created: iso(n.createdAt),
				creator: creator(n.createdBy),
				target: item.url,
				body: textBody(n.text, 'commenting', 'text/markdown')
			};
			if (n.editedAt !== null) note.modified = iso(n.editedAt);
			annotations.push(note);
		}
	}
	const collectionId = `urn:commonplace:group:${group}`;
	return {
		'@context': CONTEXT,
		id: collectionId,
		type: 'AnnotationCollection',
		label: info.name,
		total: annotations.length,
		// The whole group is one embedded page; a page needs its own id (W3C model 5.2).
		first: {
			id: `${collectionId}:page:1`,
			type: 'AnnotationPage',
			partOf: { id: collectionId, label: info.name, total: annotations.length },
			startIndex: 0,
			items: annotations
		}
	};
}

export function exportWebAnnotation(doc: Y.Doc): string {
	return JSON.stringify(webAnnotationCollection(doc), null, '\t') + '\n';
}
