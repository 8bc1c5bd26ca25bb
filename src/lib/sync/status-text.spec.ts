// The status bar's words, the relay's refusals in words, and the reconnection delays.
import { describe, expect, it } from 'vitest';
import { describeStatus } from './status-text';
import { CloseCode } from '$lib/rules';
import { refusalFor } from './refusals';
import { BACKOFF_CAP_MS, jitteredBackoff } from './backoff';

describe('describeStatus', () => {
	it('says offline with the number of changes waiting', () => {
		expect(describeStatus({ kind: 'offline', pending: 3 }).label).toBe('Offline — 3 changes waiting');
		expect(describeStatus({ kind: 'offline', pending: 1 }).label).toBe('Offline — 1 change waiting');
		expect(describeStatus({ kind: 'offline', pending: 1200 }).label).toBe('Offline — 1,200 changes waiting');
	});

	it('says syncing and up to date', () => {
		expect(describeStatus({ kind: 'syncing', pending: 2 }).label).toBe('Syncing…');
		expect(describeStatus({ kind: 'synced' })).toEqual({ label: 'Up to date', tone: 'ok' });
	});

	it('says how much of the group has arrived and been opened, when that is known', () => {
		expect(describeStatus({ kind: 'loading' }).label).toBe('Opening…');
		expect(describeStatus({ kind: 'loading', progress: { step: 'receiving', done: 450, total: 1_000 } }).label).toBe('Receiving the group… 45%');
		expect(describeStatus({ kind: 'loading', progress: { step: 'receiving', done: 450, total: null } }).label).toBe('Receiving the group…');
		expect(describeStatus({ kind: 'loading', progress: { step: 'applying', done: 3, total: 4 } }).label).toBe('Opening the group… 75%');
	});

	it('puts errors in words and keeps the explanation', () => {
		const text = describeStatus({ kind: 'error', reason: 'storage', message: 'Browser storage is full.', pending: 2 });
		expect(text.label).toBe('Not saved in this browser (2 changes waiting)');
		expect(text.detail).toBe('Browser storage is full.');
		expect(text.tone).toBe('error');
	});
});

describe('refusalFor', () => {
	it('names each refusal the relay makes, never by its number', () => {
		expect(refusalFor(CloseCode.revoked)?.reason).toBe('revoked');
		expect(refusalFor(CloseCode.unauthorized)?.reason).toBe('bad-token');
		expect(refusalFor(CloseCode.groupDeleted)).toMatchObject({ reason: 'deleted', message: /deleted by its owner/ });
		expect(refusalFor(CloseCode.removed)).toMatchObject({ reason: 'revoked', message: /owner removed you/ });
		expect(refusalFor(CloseCode.inviteUsed)?.message).toMatch(/already been used/);
		expect(refusalFor(4403)?.reason).toBe('forbidden');
		expect(refusalFor(CloseCode.inviteNotJoined)?.message).toMatch(/Reload the page when you are online/);
		expect(refusalFor(4413)?.reason).toBe('too-large');
		expect(refusalFor(4429)?.reason).toBe('rate-limited');
		expect(refusalFor(4400)?.reason).toBe('malformed');
		for (const code of [4400, 4401, 4402, 4403, 4410, 4413, 4429, 4450]) expect(refusalFor(code)?.message).not.toMatch(/\d{4}/);
	});

	it('treats other closes as passing trouble', () => {
		expect(refusalFor(1006)).toBeNull();
		expect(refusalFor(1001)).toBeNull();
		expect(refusalFor(4500)).toBeNull();
	});
});

describe('jitteredBackoff', () => {
	it('doubles from 200 ms up to the cap, each delay drawn from the upper half', () => {
		expect(jitteredBackoff(1, () => 1)).toBe(200);
		expect(jitteredBackoff(1, () => 0)).toBe(100);
		expect(jitteredBackoff(3, () => 1)).toBe(800);
		expect(jitteredBackoff(30, () => 1)).toBe(BACKOFF_CAP_MS);
		expect(jitteredBackoff(30, () => 0)).toBe(BACKOFF_CAP_MS / 2);
	});
});
