// How the pages word times and counts.
import { describe, expect, it } from 'vitest';
import { formatAgo, formatOpened, plural } from './format';

describe('formatOpened', () => {
	const now = Date.UTC(2026, 11, 2, 12, 0);
	it('says just now, minutes or hours ago, then the day', () => {
		expect(formatOpened(now - 5_000, now)).toBe('opened just now');
		// A clock a little behind another tab's is still "just now".
		expect(formatOpened(now + 2_000, now)).toBe('opened just now');
		expect(formatOpened(now - 60_000, now)).toBe('opened 1 minute ago');
		expect(formatOpened(now - 5 * 60_000, now)).toBe('opened 5 minutes ago');
		expect(formatOpened(now - 3 * 3_600_000, now)).toBe('opened 3 hours ago');
		expect(formatOpened(now - 3 * 86_400_000, now)).toMatch(/^opened \S/);
		expect(formatOpened(0, now)).toBe('not opened yet');
	});

	it('counts in words', () => {
		expect(plural(1, 'item')).toBe('1 item');
		expect(plural(2, 'item')).toBe('2 items');
	});
});

describe('formatAgo', () => {
	it('says how long ago within a day, then the date', () => {
		const now = Date.UTC(2026, 11, 2, 12);
		expect(formatAgo(now - 10_000, now)).toBe('just now');
		expect(formatAgo(now - 2 * 3_600_000, now)).toBe('2 hours ago');
		expect(formatAgo(now - 2 * 86_400_000, now)).not.toMatch(/ago/);
	});
});
