import { describe, expect, it } from 'vitest';
import { needsCompaction } from './compaction.ts';

const limits = { compactAfterUpdates: 1_000, compactAfterBytes: 4 * 1024 * 1024 };
const MiB = 1024 * 1024;

describe('needsCompaction', () => {
	it('folds a small group’s log past the update count or the byte size', () => {
		expect(needsCompaction({ logUpdates: 999, logBytes: 50_000, totalBytes: 60_000 }, limits)).toBe(false);
		expect(needsCompaction({ logUpdates: 1_000, logBytes: 50_000, totalBytes: 60_000 }, limits)).toBe(true);
		expect(needsCompaction({ logUpdates: 10, logBytes: 4 * MiB, totalBytes: 5 * MiB }, limits)).toBe(true);
	});

	it('lets a big group’s log grow until folding it is worth rewriting the snapshot', () => {
		const big = 27 * MiB;
		expect(needsCompaction({ logUpdates: 1_000, logBytes: 0.1 * MiB, totalBytes: big + 0.1 * MiB }, limits)).toBe(false);
		expect(needsCompaction({ logUpdates: 5_000, logBytes: 3.4 * MiB, totalBytes: big + 3.4 * MiB }, limits)).toBe(true);
		expect(needsCompaction({ logUpdates: 19_999, logBytes: 2 * MiB, totalBytes: big + 2 * MiB }, limits)).toBe(false);
		expect(needsCompaction({ logUpdates: 20_000, logBytes: 2 * MiB, totalBytes: big + 2 * MiB }, limits)).toBe(true);
	});
});
