import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './addresses.ts';
import { TtlCache } from './cache.ts';

describe('isPublicAddress', () => {
	it.each([
		'127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
		'100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc12::3',
		'::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', 'ff02::1', 'not-an-ip', ''
	])('refuses %s', (address) => {
		expect(isPublicAddress(address)).toBe(false);
	});

	it.each(['93.184.215.14', '1.1.1.1', '172.32.0.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.215.14'])('allows %s', (address) => {
		expect(isPublicAddress(address)).toBe(true);
	});
});

describe('TtlCache', () => {
	it('forgets entries after their time and keeps at most its size, dropping the least used', () => {
		let now = 0;
		const cache = new TtlCache<string>(2, () => now);
		cache.set('a', 'A', 100);
		cache.set('b', 'B', 100);
		expect(cache.get('a')).toBe('A'); // a is now the most recently used
		cache.set('c', 'C', 100);
		expect(cache.get('b')).toBeUndefined();
		expect(cache.get('a')).toBe('A');
		expect(cache.size).toBe(2);
		now = 100;
		expect(cache.get('a')).toBeUndefined();
		expect(cache.get('c')).toBeUndefined();
	});
});
