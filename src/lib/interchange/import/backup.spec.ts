import { describe, expect, it } from 'vitest';
import { addItem, readAllItems, readAllReplies, readFlags, readHidden } from '../../model/index';
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

describe('backup conversations and moderation', () => {
	const file = (extra: Record<string, unknown>) => ({
		name: 'backup.json',
		text: JSON.stringify({
			format: 'commonplace-backup',
			version: 1,
			members: [],
			items: [page({ notes: [{ id: 'n1', text: 'A note', createdAt: 3_000, createdBy: 'bob' }] })],
			...extra
		})
	});
	const replies = [
		// Listed before its parent and dated earlier: parents are written first all the same.
		{ id: 'r2', parentKind: 'reply', parentId: 'r1', text: 'deeper', createdAt: 4_000, createdBy: 'ana', editedAt: null, deletedAt: null, deletedBy: null },
		{ id: 'r1', parentKind: 'note', parentId: 'n1', text: 'top', createdAt: 5_000, createdBy: 'bob', editedAt: null, deletedAt: null, deletedBy: null },
		{ id: 'r3', parentKind: 'note', parentId: 'missing', text: 'orphan', createdAt: 5_000, createdBy: 'bob' },
		{ id: 'bad id!', parentKind: 'note', parentId: 'n1', text: 'x', createdBy: 'bob' }
	];
	const hidden = [{ kind: 'note', id: 'n1', hidden: true, by: 'owner', at: 6_000 }];
	const flags = [{ kind: 'note', id: 'n1', memberId: 'ana', reason: 'spam', at: 5_500 }, { kind: 'tag', id: 'x', memberId: 'ana', reason: 'no' }];

	it('restores replies parents first, and flags; skips what it cannot place, saying why', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), file({ replies, flags, hidden }), undefined, { owner: true });
		expect(readAllReplies(doc).map((r) => [r.id, r.parentId, r.root.id])).toEqual([['r2', 'r1', 'n1'], ['r1', 'n1', 'n1']]);
		expect(readFlags(doc).map((f) => [f.memberId, f.reason])).toEqual([['ana', 'spam']]);
		expect(readHidden(doc).get('note\u001fn1')).toMatchObject({ hidden: true, by: 'owner' });
		expect(summary.message).toMatch(/2 replies added/);
		expect(summary.skipped.map((s) => s.where)).toEqual(expect.arrayContaining(['reply 4', 'flag 2', 'reply r3']));
	});

	it('leaves owners’ decisions out of an import by someone else, and says so', () => {
		const doc = newGroup();
		const summary = importFile(doc, member('alice'), file({ replies: [], flags: [], hidden }));
		expect(readHidden(doc).size).toBe(0);
		expect(summary.skipped).toEqual([{ where: 'hide decisions', reason: expect.stringMatching(/Only an owner’s import/) }]);
	});
});
