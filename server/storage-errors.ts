// What the relay says when its storage fails (a full disk, a database it cannot write): a refusal in
// words the member and operator understand, never a crash. The same for the single relay's SQLite
// and a cluster's PostgreSQL (pg's DatabaseError from a pool, a SqlError from access control's thread).
import { SqlError } from './cluster/sync-sql.ts';

/** PostgreSQL's SQLSTATE for a full disk. */
const POSTGRES_DISK_FULL = '53100';

/** True for "database or disk is full": SQLite's (a full disk, or the operator's MAX_DATABASE_BYTES) or PostgreSQL's. */
export function isStorageFull(error: unknown): boolean {
	const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
	return code === 'SQLITE_FULL' || (fromPostgres(error) && code === POSTGRES_DISK_FULL);
}

/**
 * pg's DatabaseError is told by its class's name, not `instanceof`: importing pg here would load it
 * (about 7 MiB) into every relay, and only a cluster member, which loads it anyway, can meet one.
 */
function fromPostgres(error: unknown): boolean {
	return error instanceof SqlError || (error instanceof Error && error.constructor.name === 'DatabaseError');
}

/** True for any error raised by the database, or a cluster's PostgreSQL that does not answer. */
export function isStorageError(error: unknown): boolean {
	if (fromPostgres(error)) return true;
	const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
	return typeof code === 'string' && code.startsWith('SQLITE_');
}

export interface StorageRefusal {
	status: 503;
	reason: 'storage-full' | 'storage-error';
	message: string;
}

export function storageRefusal(error: unknown): StorageRefusal {
	return isStorageFull(error)
		? {
				status: 503,
				reason: 'storage-full',
				message: 'The relay’s storage is full, so it cannot take anything new. Your changes stay on this device; tell the relay’s operator.'
			}
		: { status: 503, reason: 'storage-error', message: 'The relay could not reach its storage. Your changes stay on this device; try again in a moment.' };
}
