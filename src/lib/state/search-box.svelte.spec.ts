import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFilters } from './filters';
import { ADDRESS_AFTER_MS, SearchBox } from './search-box.svelte';

const HERE = 'http://example.org/g/g1?tag=art&page=3';
const atHere = () => readFilters(new URL(HERE).searchParams);

describe('SearchBox', () => {
	let frames: (() => void)[];
	beforeEach(() => {
		vi.useFakeTimers();
		frames = [];
		vi.stubGlobal('requestAnimationFrame', (run: () => void) => frames.push(run));
		vi.stubGlobal('cancelAnimationFrame', () => {});
	});
	afterEach(() => {
		vi.useRealTimers();
		vi.unstubAllGlobals();
	});

	it('lists a search made at once, on the first page, with the other filters of the address', () => {
		const box = new SearchBox();
		expect(box.filters(HERE, atHere())).toEqual(atHere());
		box.make(HERE, '  quincunx ');
		expect(box.filters(HERE, atHere())).toEqual({ ...atHere(), q: 'quincunx', page: 1 });
		// Another address is read as it is.
		expect(box.filters('http://example.org/g/g1', readFilters(new URLSearchParams()))).toEqual(readFilters(new URLSearchParams()));
	});

	it('brings the address in line after the frame that draws the answer, then forgets the search', async () => {
		const box = new SearchBox();
		box.make(HERE, 'quincunx');
		const navigate = vi.fn(async () => {});
		box.follow(HERE, true, navigate);
		expect(navigate).not.toHaveBeenCalled();
		frames.shift()!();
		await vi.advanceTimersByTimeAsync(0);
		expect(navigate).toHaveBeenCalledWith('quincunx');
		expect(box.filters(HERE, atHere()).q).toBe('');
	});

	it('waits for the answer a while at most, and can be stopped', async () => {
		const box = new SearchBox();
		box.make(HERE, 'quincunx');
		const navigate = vi.fn(async () => {});
		const stop = box.follow(HERE, false, navigate);
		await vi.advanceTimersByTimeAsync(ADDRESS_AFTER_MS - 1);
		expect(navigate).not.toHaveBeenCalled();
		stop?.();
		await vi.advanceTimersByTimeAsync(ADDRESS_AFTER_MS);
		expect(navigate).not.toHaveBeenCalled();
		box.follow(HERE, false, navigate);
		await vi.advanceTimersByTimeAsync(ADDRESS_AFTER_MS);
		expect(navigate).toHaveBeenCalledTimes(1);
	});

	it('forgets a search made on an address left meanwhile, without going back to it', async () => {
		const box = new SearchBox();
		box.make(HERE, 'quincunx');
		const navigate = vi.fn(async () => {});
		expect(box.follow('http://example.org/g/g1/i/item', true, navigate)).toBeUndefined();
		expect(frames).toEqual([]);
		await vi.advanceTimersByTimeAsync(ADDRESS_AFTER_MS);
		expect(navigate).not.toHaveBeenCalled();
		// Back at the address: the search is not made again.
		expect(box.filters(HERE, atHere()).q).toBe('');
	});

	it('looks up ahead only words long enough, and not the search already shown', () => {
		const box = new SearchBox();
		expect(box.worthPreparing('qu', '')).toBe(false);
		expect(box.worthPreparing(' qui ', '')).toBe(true);
		expect(box.worthPreparing('quincunx', 'quincunx')).toBe(false);
	});
});
