import { describe, expect, it } from 'vitest';
import { addItem, readAllItems } from '../../model/index';
import { member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { importFile } from './index';

const backup = (items: unknown[]) => ({ name: 'backup.json', text: JSON.stringify({ format: 'commonplace-backup', version: 1, members: [], items }) });

const page = (extra: Record<string, unknown> = {}, highlight: Record<string, unknown> = {}) => ({
	url: 'https://example.org/amateurs',
	title: 'Amateurs',
	savedBy: [{ memberId: 'bob', at: 1_000 }],
	highlights: [{ id: 'h1', exact: 'amateurs do real work', prefix: '', suffix: '', note: '', createdAt: 2_000, createdBy: 'bob', ...highlight }],
	...extra
});

describe('backup fields added in version 1', () => {
	it('restores an item’s icon, when its page was read, and a highlight’s position', () => {
		const doc = newGroup();
		importFile(doc, member('alice'), backup([page({ favicon: 'https://example.org/favicon.ico', pageDetailsAt: 1_500 }, { position: { start: 40, end: 61 } })]));
		const [item] = readAllItems(doc);
		expect(item).toMatchObject({ favicon: 'https://example.org/favicon.ico', pageDetailsAt: 1_500 });
		expect(item.highlights[0].position).toEqual({ start: 40, end: 61 });
	});

	it('imports a backup written before them: no icon, page not read yet, no position', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), backup([page()]));
		expect(summary).toMatchObject({ added: 1, highlightsAdded: 1, skipped: [] });
		const [item] = readAllItems(doc);
		expect(item).toMatchObject({ favicon: '', pageDetailsAt: null });
		expect(item.highlights[0]).not.toHaveProperty('position');
	});

	it('drops a broken icon, date or position and keeps the item and its highlight', () => {
		const broken = [{ start: 5, end: 5 }, { start: -1, end: 3 }, { start: 0.5, end: 3 }, { start: '0', end: '3' }, { start: 0, end: 1e12 }, 'x', null];
		const doc = newGroup();
		const summary = importFile(
			doc,
			member('alice'),
			backup(broken.map((position, i) => ({ ...page({ url: `https://example.org/${i}`, favicon: 'javascript:alert(1)', pageDetailsAt: 'yesterday' }, { id: `h${i}`, position }) })))
		);
		expect(summary).toMatchObject({ added: broken.length, highlightsAdded: broken.length, skipped: [] });
		for (const item of readAllItems(doc)) {
			expect(item).toMatchObject({ favicon: '', pageDetailsAt: null });
			expect(item.highlights.map((h) => [h.exact, h.position])).toEqual([['amateurs do real work', undefined]]);
		}
	});

	it('fills the icon or page-details date of a page already in the group that lacks only them', () => {
		for (const extra of [{ favicon: 'https://example.org/favicon.ico' }, { pageDetailsAt: 1_500 }]) {
			const doc = newGroup();
			addItem(doc, member('bob', 1_000), { url: 'https://example.org/amateurs', title: 'Amateurs', createdAt: 1_000 });
			const summary = importFile(doc, member('alice'), backup([page({ ...extra, highlights: [] })]));
			expect(summary).toMatchObject({ merged: 1, unchanged: 0 });
			expect(readAllItems(doc)[0]).toMatchObject(extra);
		}
	});
});
