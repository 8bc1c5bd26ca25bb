// The bad-token limiter: slows an address down, then refuses it for a while, and no one else.
import { describe, expect, it } from 'vitest';
import { addressKey, BadTokenLimiter } from './rate-limit';

const limits = { slowAfter: 3, limit: 6, windowMs: 60_000, blockMs: 120_000 };

describe('BadTokenLimiter', () => {
	it('lets the first failures through unslowed, then slows, then refuses', () => {
		const limiter = new BadTokenLimiter(limits);
		const t = 1_000_000;
		const verdicts = Array.from({ length: 6 }, (_, i) => limiter.fail('10.0.0.1', t + i));
		expect(verdicts.slice(0, 2)).toEqual([
			{ blocked: false, delayMs: 0 },
			{ blocked: false, delayMs: 0 }
		]);
		const delays = verdicts.slice(2, 5).map((v) => (v.blocked ? -1 : v.delayMs));
		expect(delays[0]).toBeGreaterThan(0);
		expect(delays[1]).toBeGreaterThan(delays[0]);
		expect(delays[2]).toBeGreaterThan(delays[1]);
		expect(verdicts[5]).toEqual({ blocked: true, retryAfterMs: 120_000 });
		expect(limiter.check('10.0.0.1', t + 10)).toMatchObject({ blocked: true });
	});

	it('leaves other addresses alone', () => {
		const limiter = new BadTokenLimiter(limits);
		for (let i = 0; i < 10; i++) limiter.fail('10.0.0.1', 5);
		expect(limiter.check('10.0.0.1', 6).blocked).toBe(true);
		expect(limiter.check('10.0.0.2', 6)).toEqual({ blocked: false, delayMs: 0 });
	});

	it('lifts the block after blockMs and forgets failures after the window', () => {
		const limiter = new BadTokenLimiter(limits);
		for (let i = 0; i < 6; i++) limiter.fail('a', 0);
		expect(limiter.check('a', 119_999).blocked).toBe(true);
		expect(limiter.check('a', 120_000)).toEqual({ blocked: false, delayMs: 0 });

		limiter.fail('b', 0);
		limiter.fail('b', 0);
		limiter.fail('b', 0);
		expect(limiter.check('b', 59_999)).toMatchObject({ blocked: false });
		expect((limiter.check('b', 59_999) as { delayMs: number }).delayMs).toBeGreaterThan(0);
		expect(limiter.check('b', 60_000)).toEqual({ blocked: false, delayMs: 0 });
	});

	it('keeps its memory bounded under many addresses', () => {
		const limiter = new BadTokenLimiter({ ...limits, limit: 2 });
		for (let i = 0; i < 12_000; i++) limiter.fail(`addr-${i}`, 0);
		expect(limiter.size).toBeLessThanOrEqual(10_000);
		// The newest addresses are still counted.
		limiter.fail('addr-11999', 0);
		expect(limiter.check('addr-11999', 1).blocked).toBe(true);
	});
});

describe('addressKey', () => {
	it('counts IPv4 addresses one by one, IPv6 ones by their /64', () => {
		expect(addressKey('10.0.0.1')).toBe('10.0.0.1');
		expect(addressKey('::ffff:127.0.0.3')).toBe('127.0.0.3');
		expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
		expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
		expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
		expect(addressKey('::1')).toBe('0:0:0:0::/64');
		expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
		expect(addressKey('unknown')).toBe('unknown');
	});

	it('makes one IPv6 host’s fresh addresses share one count', () => {
		const limiter = new BadTokenLimiter({ ...limits, limit: 3 });
		limiter.fail('2001:db8:1:2::a', 0);
		limiter.fail('2001:db8:1:2::b', 0);
		limiter.fail('2001:db8:1:2::c', 0);
		expect(limiter.check('2001:db8:1:2::d', 1).blocked).toBe(true);
		expect(limiter.check('2001:db8:1:3::a', 1).blocked).toBe(false);
	});
});
