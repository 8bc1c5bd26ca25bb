import { describe, expect, it } from 'vitest';
import { RelayApiError } from '$lib/api/relay-api';
import type { TimelineEntry, TimelinePage } from '$lib/history/timeline';
import { EMPTY_VERSION } from '$lib/model';
import { HISTORY_NEEDS_RELAY, HistoryList, entryText } from './history.svelte';

const entry = (id: number, to: string): TimelineEntry => ({
	id,
	firstSeq: id,
	at: 1,
	by: { tokenId: 't', memberId: 'm', name: 'Ana' },
	itemId: 'i',
	itemTitle: to,
	changes: [{ kind: 'title', from: 'Old', to }]
});

describe('HistoryList', () => {
	it('reads pages newest first and appends older ones', async () => {
		const pages: Record<string, TimelinePage> = {
			null: { entries: [entry(9, 'C'), entry(7, 'B')], next: 7, since: null },
			7: { entries: [entry(3, 'A')], next: null, since: 5 }
		};
		const list = new HistoryList(async (before) => pages[String(before)]);
		await list.refresh();
		expect(list.lines.map((l) => l.text)).toEqual(['Ana changed the title from “Old” to “C”', 'Ana changed the title from “Old” to “B”']);
		expect(list.hasMore).toBe(true);
		await list.more();
		expect(list.lines.map((l) => l.entry.id)).toEqual([9, 7, 3]);
		expect(list.hasMore).toBe(false);
		expect(list.since).toBe(5);
	});

	it('says plainly that history needs the relay when it cannot be reached, and shows the relay\'s words otherwise', async () => {
		const offline = new HistoryList(async () => {
			throw new RelayApiError('unreachable', 0);
		});
		await offline.refresh();
		expect(offline.error).toBe(HISTORY_NEEDS_RELAY);
		const refused = new HistoryList(async () => {
			throw new RelayApiError('This link is not valid.', 401);
		});
		await refused.refresh();
		expect(refused.error).toBe('This link is not valid.');
	});

	it('views an entry as it was, and closes it', async () => {
		const list = new HistoryList(
			async () => ({ entries: [], next: null, since: null }),
			async () => ({ ...EMPTY_VERSION, exists: true, title: 'Then' })
		);
		await list.view(entry(4, 'x'));
		expect(list.viewing).toMatchObject({ entryId: 4, version: { title: 'Then' } });
		list.closeView();
		expect(list.viewing).toBe(null);
	});

	it('joins several changes of one entry in one sentence', () => {
		const e = { ...entry(1, 'T'), changes: [...entry(1, 'T').changes, { kind: 'tags' as const, added: ['a'], removed: [] }, { kind: 'trash' as const, deleted: true }] };
		expect(entryText(e)).toBe('Ana changed the title from “Old” to “T”, added the tag “a” and moved the item to the trash');
	});
});
