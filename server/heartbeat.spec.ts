// The heartbeat: every connection pinged once per interval, in slices spread over it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, type Beating } from './heartbeat.ts';

function connection(log: number[], id: number): Beating {
	return { heartbeat: () => log.push(id) };
}

describe('Heartbeat', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('pings each connection once per interval, a small share at a time', () => {
		const pinged: number[] = [];
		const connections = new Set(Array.from({ length: 1_000 }, (_, i) => connection(pinged, i)));
		const heartbeat = new Heartbeat(connections, 30_000);
		let most = 0;
		for (let t = 0; t < 30_000; t += 300) {
			const before = pinged.length;
			vi.advanceTimersByTime(300);
			most = Math.max(most, pinged.length - before);
		}
		expect(pinged).toHaveLength(1_000);
		expect(new Set(pinged).size).toBe(1_000);
		expect(most).toBeLessThanOrEqual(10);
		// The next interval pings them all again, once each.
		vi.advanceTimersByTime(30_000);
		expect(pinged).toHaveLength(2_000);
		expect(new Set(pinged.slice(1_000)).size).toBe(1_000);
		heartbeat.stop();
		vi.advanceTimersByTime(60_000);
		expect(pinged).toHaveLength(2_000);
	});

	it('keeps the interval with few connections, and pings those added from the next round on', () => {
		const pinged: number[] = [];
		const connections = new Set([connection(pinged, 1)]);
		const heartbeat = new Heartbeat(connections, 1_000);
		vi.advanceTimersByTime(500);
		connections.add(connection(pinged, 2));
		vi.advanceTimersByTime(500);
		expect(pinged).toEqual([1]);
		vi.advanceTimersByTime(1_000);
		expect(pinged.sort()).toEqual([1, 1, 2]);
		heartbeat.stop();
	});
});
