// Tokens: random enough, stored as hashes, compared by hash, feed tokens derived and rotatable.
import { describe, expect, it } from 'vitest';
import { deriveFeedToken, hashToken, isStrongToken, newToken, sameHash, sameSecret } from './tokens';

describe('tokens', () => {
	it('are at least 128 random bits of base64url, never repeated', () => {
		const tokens = new Set(Array.from({ length: 1000 }, newToken));
		expect(tokens.size).toBe(1000);
		for (const token of tokens) {
			expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
			expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
			expect(isStrongToken(token)).toBe(true);
		}
	});

	it('hash to 32 bytes that do not contain the token', () => {
		const token = newToken();
		const hash = hashToken(token);
		expect(hash.length).toBe(32);
		expect(hash.toString('latin1')).not.toContain(token);
		expect(hashToken(token).equals(hash)).toBe(true);
	});

	it('compare by hash, equal only when equal, whatever the lengths', () => {
		const token = newToken();
		expect(sameSecret(token, token)).toBe(true);
		expect(sameSecret(token, token.slice(0, -1))).toBe(false);
		expect(sameSecret(token, token + 'x')).toBe(false);
		expect(sameSecret('', token)).toBe(false);
		expect(sameHash(hashToken('a'), hashToken('b'))).toBe(false);
		expect(sameHash(Buffer.from([1, 2]), Buffer.from([1, 2, 3]))).toBe(false);
	});

	it('refuse short or odd client-made tokens', () => {
		expect(isStrongToken('abc')).toBe(false);
		expect(isStrongToken('a'.repeat(21))).toBe(false);
		expect(isStrongToken('a'.repeat(22))).toBe(true);
		expect(isStrongToken('a'.repeat(21) + '/')).toBe(false);
		expect(isStrongToken('0123456789abcdef0123456789abcdef')).toBe(true); // the app's hex ids
		expect(isStrongToken('a'.repeat(257))).toBe(false);
	});

	it('derive a feed token per group and generation from the relay secret', () => {
		const secret = Buffer.alloc(32, 7);
		const first = deriveFeedToken(secret, 'g1', 0);
		expect(deriveFeedToken(secret, 'g1', 0)).toBe(first);
		expect(deriveFeedToken(secret, 'g1', 1)).not.toBe(first);
		expect(deriveFeedToken(secret, 'g2', 0)).not.toBe(first);
		expect(deriveFeedToken(Buffer.alloc(32, 8), 'g1', 0)).not.toBe(first);
		expect(isStrongToken(first)).toBe(true);
	});
});
