import { describe, expect, it } from 'vitest';
import { readAllItems } from '../../model/index';
import { member, newGroup, snapshot } from '../../../../tests/fixtures/interchange/helpers';
import { applyPlan, applyPlanInSteps } from './apply';
import { planImport } from './index';
import { ImportError, type ImportProgress } from './types';

function bookmarks(count: number): { name: string; text: string } {
	const lines = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>', '<DL><p>'];
	for (let i = 0; i < count; i++) lines.push(`<DT><A HREF="https://steps.example/${i}" ADD_DATE="${1_600_000_000 + i}" TAGS="steps,t${i % 7}">Page ${i}</A>`);
	lines.push('</DL>');
	return { name: 'steps.html', text: lines.join('\n') };
}

describe('applyPlanInSteps', () => {
	it('writes the plan in several transactions and ends with the same group as applying it at once', async () => {
		const plan = planImport(bookmarks(1_200));
		const whole = newGroup();
		const stepped = newGroup();
		const expected = applyPlan(whole, member('alice'), plan);
		let transactions = 0;
		stepped.on('afterTransaction', () => transactions++);
		const progress: ImportProgress[] = [];
		let pauses = 0;
		const summary = await applyPlanInSteps(stepped, member('alice'), plan, {
			stepMs: 5,
			pause: async () => void pauses++,
			onProgress: (p) => progress.push(p)
		});
		expect(summary).toEqual(expected);
		expect(summary.cancelled).toBeUndefined();
		expect(snapshot(stepped)).toBe(snapshot(whole));
		expect(transactions).toBeGreaterThan(1);
		expect(pauses).toBe(transactions);
		const saving = progress.filter((p) => p.phase === 'saving').map((p) => p.done);
		expect(saving[0]).toBe(0);
		expect(saving.at(-1)).toBe(1_200);
		expect(saving).toEqual([...saving].sort((a, b) => a - b));
		expect(progress.at(-1)).toEqual({ phase: 'done', done: 1_200, total: 1_200 });
	});

	it('stops between steps when cancelled, keeps whole items, says how many, and a second import adds the rest', async () => {
		const file = bookmarks(600);
		const doc = newGroup();
		const job = new AbortController();
		const summary = await applyPlanInSteps(doc, member('alice'), planImport(file), {
			stepMs: 5,
			pause: async () => {},
			onProgress: (p) => {
				if (p.done >= 100) job.abort();
			},
			signal: job.signal
		});
		const done = summary.cancelled!.done;
		expect(done).toBeGreaterThanOrEqual(100);
		expect(done).toBeLessThan(600);
		expect(summary.cancelled!.total).toBe(600);
		expect(summary.added).toBe(done);
		expect(summary.message).toBe(`Stopped after ${done.toLocaleString('en')} of 600 items: ${done.toLocaleString('en')} items added.`);
		const items = readAllItems(doc);
		expect(items).toHaveLength(done);
		// Each item was written whole: its title and every tag.
		for (const item of items) {
			expect(item.title).toMatch(/^Page \d+$/);
			expect(item.tags).toHaveLength(2);
		}

		const again = await applyPlanInSteps(doc, member('alice'), planImport(file), { pause: async () => {} });
		expect(again).toMatchObject({ added: 600 - done, unchanged: done });
		expect(readAllItems(doc)).toHaveLength(600);
	});

	it('writes nothing when cancelled before the first step', async () => {
		const doc = newGroup();
		const before = snapshot(doc);
		const job = new AbortController();
		job.abort();
		const summary = await applyPlanInSteps(doc, member('alice'), planImport(bookmarks(10)), { signal: job.signal });
		expect(summary.cancelled).toEqual({ done: 0, total: 10 });
		expect(snapshot(doc)).toBe(before);
	});

	it('refuses a group saved by a newer version before writing anything', async () => {
		const doc = newGroup();
		doc.getMap('meta').set('schemaVersion', 99);
		const before = snapshot(doc);
		await expect(applyPlanInSteps(doc, member('alice'), planImport(bookmarks(10)))).rejects.toBeInstanceOf(ImportError);
		expect(snapshot(doc)).toBe(before);
	});
});
