import { describe, expect, it } from 'vitest';
import { DAY_MS, foldThrough } from './history-policy.ts';

describe('history policy', () => {
	const now = 100 * DAY_MS;
	const rows = (...days: (number | null)[]) => days.map((day, i) => ({ seq: (i + 1) * 10, at: day === null ? null : day * DAY_MS }));

	it('folds nothing while the oldest kept update is within the retention and a day', () => {
		expect(foldThrough([], 30, now)).toBe(null);
		expect(foldThrough(rows(69.5, 80, 99), 30, now)).toBe(null);
	});

	it('folds every update older than the retention once the oldest is a day past it', () => {
		expect(foldThrough(rows(60, 65, 69.9, 70.1, 99), 30, now)).toBe(30);
		// Rows from before times were kept count as the oldest.
		expect(foldThrough(rows(null, 75), 30, now)).toBe(10);
	});
});
