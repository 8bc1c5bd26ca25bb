import { describe, expect, it } from 'vitest';
import { DAY_MS, needsCheckpoint, pruneBase } from './history-policy.ts';

describe('history policy', () => {
	it('writes a checkpoint when none is kept or the newest is a day old', () => {
		expect(needsCheckpoint(null, 5)).toBe(true);
		expect(needsCheckpoint(0, DAY_MS - 1)).toBe(false);
		expect(needsCheckpoint(0, DAY_MS)).toBe(true);
	});

	it('prunes up to the newest checkpoint older than the retention, keeping every day within it replayable', () => {
		const now = 40 * DAY_MS;
		const checkpoints = [0, 5, 9, 10, 11].map((day, i) => ({ at: day * DAY_MS, throughSeq: i * 10 }));
		expect(pruneBase(checkpoints, 30, now)).toEqual({ at: 10 * DAY_MS, throughSeq: 30 });
		expect(pruneBase(checkpoints, 100, now)).toBe(null);
	});
});
