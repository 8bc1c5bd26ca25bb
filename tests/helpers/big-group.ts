import * as Y from 'yjs';
import { addItem, createGroup } from '../../src/lib/model';

type NewGroup = Parameters<typeof createGroup>[2];

/**
 * A group of `items` items by Ann with long descriptions, one a second from 2025-01-01 (so the newest
 * is the last added): well over the size a browser applies in slices.
 */
export function groupOfLongItems(items: number, group: NewGroup, guid?: string): Y.Doc {
	const doc = guid ? new Y.Doc({ guid }) : new Y.Doc();
	const actor = { memberId: 'ann' };
	createGroup(doc, actor, group);
	let clock = Date.UTC(2025, 0, 1);
	const dated = { ...actor, now: () => (clock += 1_000) };
	for (let i = 0; i < items; i++) {
		addItem(doc, dated, { url: `https://example.org/${i}`, title: `Page number ${i}`, description: `Words of page ${i}. `.repeat(120) });
	}
	return doc;
}
