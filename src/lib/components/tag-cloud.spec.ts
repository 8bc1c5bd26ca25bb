// Levels of the weighted tag cloud.
import { describe, expect, it } from 'vitest';
import { cloudLevels } from './tag-cloud';

describe('cloudLevels', () => {
	it('gives the most used tag the top level and the least used level 1, in alphabetical order', () => {
		const cloud = cloudLevels([
			{ tag: 'travail', count: 40 },
			{ tag: 'amateur', count: 1 },
			{ tag: 'culture', count: 6 }
		]);
		expect(cloud.map((t) => [t.tag, t.level])).toEqual([
			['amateur', 1],
			['culture', 3],
			['travail', 5]
		]);
	});

	it('puts every tag on level 1 when all are used alike, and handles no tags', () => {
		expect(cloudLevels([{ tag: 'a', count: 3 }, { tag: 'b', count: 3 }]).map((t) => t.level)).toEqual([1, 1]);
		expect(cloudLevels([])).toEqual([]);
	});
});
