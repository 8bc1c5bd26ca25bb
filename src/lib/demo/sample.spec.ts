// The sample group holds the reference page's ten items, newest first, with their annotations.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { countTags, listItems, listMembers, getGroupInfo } from '$lib/model';
import { buildSampleGroup } from './sample';

describe('buildSampleGroup', () => {
	it('builds "Tic&Travail" with ten items tagged amateur and their highlights and notes', () => {
		const doc = new Y.Doc({ guid: 'sample' });
		buildSampleGroup(doc);
		expect(getGroupInfo(doc).name).toBe('Tic&Travail');
		expect(listMembers(doc).map((m) => m.name)).toEqual(['Aurialie Jublin', 'julien camacho', 'abrugiere']);
		const page = listItems(doc, { tag: 'amateur' });
		expect([page.from, page.to, page.total]).toEqual([1, 10, 10]);
		const first = page.items[0];
		expect(first.title).toBe('Rémunérer les amateurs pour valoriser les externalités positives');
		expect([first.highlights.length, first.notes.length, first.views]).toEqual([5, 2, 1]);
		expect(page.items.map((i) => i.views)).toEqual([1, 0, 0, 2, 3, 1, 1, 4, 0, 0]);
		expect(page.items[9].highlights).toHaveLength(45);
		expect(page.items[4].createdBy).toBe('sample-julien');
		expect(countTags(page.items)[0]).toEqual({ tag: 'amateur', count: 10 });
	});

	it('uses the member ids it is given', () => {
		const doc = new Y.Doc();
		buildSampleGroup(doc, { aurialie: { memberId: 'me' } });
		expect(listItems(doc, { member: 'me' }).total).toBe(8);
	});
});
