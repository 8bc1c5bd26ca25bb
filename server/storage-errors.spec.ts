import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SqlError } from './cluster/sync-sql.ts';
import { isStorageError, isStorageFull, storageRefusal } from './storage-errors.ts';

const sqlite = (code: string) => Object.assign(new Error('sqlite'), { code });

describe('storage errors', () => {
	it('are told apart the same way for SQLite and PostgreSQL', () => {
		expect(isStorageFull(sqlite('SQLITE_FULL'))).toBe(true);
		expect(isStorageFull(new SqlError('could not extend file: No space left on device', '53100'))).toBe(true);
		expect(storageRefusal(new SqlError('disk full', '53100')).reason).toBe('storage-full');
		const fromPool = Object.assign(new pg.DatabaseError('could not extend file', 0, 'error'), { code: '53100' });
		expect(isStorageFull(fromPool)).toBe(true);
		expect(isStorageError(sqlite('SQLITE_BUSY'))).toBe(true);
		expect(isStorageError(new SqlError('PostgreSQL did not answer in time.', null))).toBe(true);
		expect(storageRefusal(new SqlError('connection refused', null)).reason).toBe('storage-error');
		expect(isStorageError(new Error('a bug'))).toBe(false);
		expect(isStorageFull(Object.assign(new Error('not from PostgreSQL'), { code: '53100' }))).toBe(false);
	});
});
