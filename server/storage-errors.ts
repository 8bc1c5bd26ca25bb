// What the relay says when its storage fails (a full disk, a database it cannot write): a refusal in
// words the member and operator understand, never a crash.

/** True for SQLite's "database or disk is full" (a full disk, or the operator's MAX_DATABASE_BYTES). */
export function isStorageFull(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_FULL';
}

/** True for any error raised by the database. */
export function isStorageError(error: unknown): boolean {
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
