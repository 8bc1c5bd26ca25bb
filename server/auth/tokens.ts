// Tokens: how they are made, hashed for storage, compared, and how a group's feed token is derived.
import { createHash, createHmac, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';
import { isTokenShaped, TOKEN_MAX_LENGTH } from '../../src/lib/rules/index';

/** 192 random bits, base64url: 32 characters that fit in a URL fragment or query unescaped. */
export function newToken(): string {
	return randomBytes(24).toString('base64url');
}

/** Random bytes for token ids, drawn from the system a few KiB at a time (as `randomUUID` does). */
const idPool = Buffer.alloc(4_608);
let idPoolUsed = idPool.length;

/** A short public id for a token (an invite's id); says nothing about the token itself. */
export function newTokenId(): string {
	// One system call per 512 ids instead of one per id: a new group's owner token needs one.
	if (idPoolUsed + 9 > idPool.length) {
		randomFillSync(idPool);
		idPoolUsed = 0;
	}
	const id = idPool.toString('base64url', idPoolUsed, idPoolUsed + 9);
	idPoolUsed += 9;
	return id;
}

/** What the relay stores instead of a token. */
export function hashToken(token: string): Buffer {
	return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of two hashes. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time comparison of a presented secret with the expected one (compares their hashes). */
export function sameSecret(presented: string, expected: string): boolean {
	return sameHash(hashToken(presented), hashToken(expected));
}

/**
 * Tokens a client makes itself (when it creates a group offline) must look random enough:
 * at least 22 URL-safe characters, which is 128 bits in base64url.
 */
export function isStrongToken(token: string): boolean {
	return isTokenShaped(token);
}

/** Tokens longer than this are refused before hashing. */
export const MAX_TOKEN_LENGTH = TOKEN_MAX_LENGTH;

/**
 * A group's feed token is never stored: it is derived from the relay's secret, the group and a
 * generation that rotation bumps, so any member can be shown it and the owner can replace it.
 */
export function deriveFeedToken(relaySecret: Uint8Array, groupId: string, generation: number): string {
	return createHmac('sha256', relaySecret).update(`${groupId}:${generation}`, 'utf8').digest('base64url');
}
