// Unfinished messages: their bytes per address, and one timer for all of them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnfinishedBytes } from './unfinished.ts';

describe('UnfinishedBytes', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('counts bytes per address (an IPv6 /64 as one) within the limit', () => {
		const unfinished = new UnfinishedBytes(100);
		expect(unfinished.add('2001:db8::1', 60)).toBe(true);
		expect(unfinished.add('2001:db8::2', 50)).toBe(false);
		expect(unfinished.of('2001:db8:0:0::9')).toBe(110);
		unfinished.add('2001:db8::1', -110);
		expect(unfinished.of('2001:db8::1')).toBe(0);
	});

	it('times out a message that does not end, and only that one', () => {
		const unfinished = new UnfinishedBytes(100, 1_000);
		const stalled = vi.fn();
		const finished = vi.fn();
		unfinished.startTimer(stalled);
		unfinished.startTimer(finished);
		vi.advanceTimersByTime(500);
		unfinished.stopTimer(finished);
		// Started again while it runs: the clock keeps its first start.
		unfinished.startTimer(stalled);
		vi.advanceTimersByTime(400);
		expect(stalled).not.toHaveBeenCalled();
		vi.advanceTimersByTime(400);
		expect(stalled).toHaveBeenCalledTimes(1);
		vi.advanceTimersByTime(5_000);
		expect(stalled).toHaveBeenCalledTimes(1);
		expect(finished).not.toHaveBeenCalled();
	});

	it('keeps no timer while no message is unfinished', () => {
		const unfinished = new UnfinishedBytes(100, 1_000);
		const onTimeout = vi.fn();
		unfinished.startTimer(onTimeout);
		unfinished.stopTimer(onTimeout);
		vi.advanceTimersByTime(1_000);
		expect(vi.getTimerCount()).toBe(0);
	});
});
