// The status in the bar follows from its parts.
import { describe, expect, it } from 'vitest';
import { computeStatus, type StatusParts } from './status';

const base: StatusParts = {
	loaded: true,
	pending: 0,
	refusal: null,
	storageError: null,
	writable: true,
	online: true,
	connection: { connected: true, connecting: false, synced: true, failedAttempts: 0, refusedWith: null }
};

describe('computeStatus', () => {
	it('is up to date only when synced with nothing waiting', () => {
		expect(computeStatus(base)).toEqual({ kind: 'synced' });
		expect(computeStatus({ ...base, pending: 2 })).toEqual({ kind: 'syncing', pending: 2 });
		expect(computeStatus({ ...base, connection: { ...base.connection, synced: false } })).toEqual({ kind: 'syncing', pending: 0 });
	});

	it('connects on the first attempt, then is offline until an attempt succeeds', () => {
		const connecting = { ...base.connection, connected: false, connecting: true, synced: false };
		expect(computeStatus({ ...base, connection: connecting, pending: 1 })).toEqual({ kind: 'connecting', pending: 1 });
		expect(computeStatus({ ...base, connection: { ...connecting, failedAttempts: 2 } })).toEqual({ kind: 'offline', pending: 0 });
		expect(computeStatus({ ...base, online: false })).toEqual({ kind: 'offline', pending: 0 });
	});

	it('puts loading, refusals, storage and schema trouble first, keeping the count', () => {
		expect(computeStatus({ ...base, loaded: false })).toEqual({ kind: 'loading' });
		const progress = { step: 'receiving', done: 1, total: 2 } as const;
		expect(computeStatus({ ...base, loaded: false, progress })).toEqual({ kind: 'loading', progress });
		expect(computeStatus({ ...base, loaded: true, progress })).toEqual({ kind: 'synced' });
		expect(computeStatus({ ...base, pending: 3, refusal: { reason: 'revoked', message: 'Revoked.' } })).toEqual({ kind: 'error', reason: 'revoked', message: 'Revoked.', pending: 3 });
		expect(computeStatus({ ...base, storageError: { message: 'Full.' } })).toMatchObject({ kind: 'error', reason: 'storage', message: 'Full.' });
		expect(computeStatus({ ...base, writable: false })).toMatchObject({ kind: 'error', reason: 'schema' });
	});
});
