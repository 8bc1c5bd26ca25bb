import { describe, expect, it } from 'vitest';
import { addItem, addNote, createGroup, editItem, editNote, setMemberProfile, setTags } from '../model';
import { newDoc, syncAll, testActor } from '../model/testing';
import { TimelineCache } from './cache';
import { packHistory } from './packed';
import type { HistoryUpdate } from './replay';
import { Timeline, buildTimeline, type TimelineQuery } from './timeline';

/** Two members editing two items, some edits a minute apart (one entry), some far apart. */
function editedGroup() {
	const ana = testActor('m-ana');
	const ben = testActor('m-ben');
	const docs = { ana: newDoc(), ben: newDoc() };
	const log: HistoryUpdate[] = [];
	let clock = 1_000_000;
	for (const [who, doc] of Object.entries(docs)) {
		doc.on('update', (body: Uint8Array, origin: unknown) => {
			if (origin !== 'remote') log.push({ seq: log.length + 1, body, author: { tokenId: `t-${who}`, name: who, at: clock } });
		});
	}
	const as = (who: 'ana' | 'ben', minutes: number, fn: (doc: (typeof docs)['ana'], actor: typeof ana) => void) => {
		clock += minutes * 60_000;
		fn(docs[who], who === 'ana' ? ana : ben);
		syncAll(docs.ana, docs.ben);
	};
	let a = '';
	let b = '';
	let note = '';
	as('ana', 1, (doc, actor) => {
		createGroup(doc, actor, { name: 'Readers', member: { name: 'Ana', color: '#123456' } });
		a = addItem(doc, actor, { url: 'https://example.org/a', title: 'A' }).itemId;
	});
	as('ana', 1, (doc, actor) => (b = addItem(doc, actor, { url: 'https://example.org/b', title: 'B' }).itemId));
	as('ben', 10, (doc, actor) => setMemberProfile(doc, actor, { name: 'Ben', color: '#654321' }));
	as('ben', 1, (doc, actor) => editItem(doc, actor, a, { title: 'A by Ben' }));
	as('ben', 1, (doc, actor) => (note = addNote(doc, actor, b, { text: 'On B' })));
	as('ben', 1, (doc, actor) => editNote(doc, actor, note, 'On B, better'));
	as('ana', 10, (doc, actor) => setTags(doc, actor, a, 'x, y'));
	as('ana', 1, (doc, actor) => editItem(doc, actor, b, { title: 'B again' }));
	as('ben', 20, (doc, actor) => editItem(doc, actor, a, { description: 'About A' }));
	as('ben', 1, (doc, actor) => setTags(doc, actor, b, 'z'));
	as('ana', 30, (doc, actor) => editItem(doc, actor, a, { title: 'A last' }));
	return { log, items: [a, b] };
}

describe('a timeline kept between reads', () => {
	it('answers exactly as a whole replay, wherever the history was cut between reads', () => {
		const { log, items } = editedGroup();
		const queries: TimelineQuery[] = [{ limit: 100 }, { limit: 2 }, ...items.map((itemId) => ({ itemId, limit: 100 }))];
		const whole = queries.map((query) => buildTimeline({ base: null, baseAt: null, updates: log }, query));
		expect(whole[0].entries.length).toBeGreaterThan(5);
		for (let cut = 1; cut < log.length; cut++) {
			for (let second = cut; second <= log.length; second++) {
				const timeline = new Timeline(null, null);
				timeline.add(log.slice(0, cut));
				timeline.page({ limit: 100 });
				timeline.add(log.slice(cut, second));
				timeline.add(log.slice(second));
				expect(queries.map((query) => timeline.page(query)), `cut at ${cut} and ${second}`).toEqual(whole);
				timeline.destroy();
			}
		}
	});

	it('takes only updates that follow what it replayed, and keeps at most its number of groups', () => {
		const { log } = editedGroup();
		const cache = new TimelineCache(2);
		const extent = (after: number | null, countThrough: number) => ({ baseThrough: 0, after, countThrough });
		cache.update('g', packHistory({ base: null, baseAt: null, updates: log.slice(0, 4) }));
		expect(cache.mark('g')).toEqual({ baseThrough: 0, baseAt: null, after: 4 });
		// An update the store counts before the mark that the replay never had: refused.
		expect(cache.update('g', packHistory({ base: null, baseAt: null, updates: log.slice(4, 6) }, extent(4, 5)))).toBe(null);
		expect(cache.mark('g')).toBe(null);
		cache.update('g', packHistory({ base: null, baseAt: null, updates: log.slice(0, 4) }));
		// Another base (a fold moved the checkpoint): refused.
		expect(cache.update('g', packHistory({ base: null, baseAt: 5, updates: log.slice(4) }, { ...extent(4, 4), baseThrough: 3 }))).toBe(null);
		cache.update('g', packHistory({ base: null, baseAt: null, updates: log.slice(0, 4) }));
		const timeline = cache.update('g', packHistory({ base: null, baseAt: null, updates: log.slice(4) }, extent(4, 4)))!;
		expect(timeline.page({ limit: 100 })).toEqual(buildTimeline({ base: null, baseAt: null, updates: log }, { limit: 100 }));
		cache.update('h', packHistory({ base: null, baseAt: null, updates: log }));
		cache.update('g', packHistory({ base: null, baseAt: null, updates: [] }, extent(log.length, log.length)));
		cache.update('i', packHistory({ base: null, baseAt: null, updates: log }));
		// 'h' was used least recently.
		expect([cache.size, cache.mark('h'), cache.mark('g')?.after]).toEqual([2, null, log.length]);
	});
});
