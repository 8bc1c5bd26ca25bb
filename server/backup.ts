// Online backup of the relay's database with SQLite's backup API: consistent while the relay runs.
// The copy leaves out the relay's secret (the key feed tokens are derived from): a stolen backup
// gives no working feed link, and a relay restored from one makes a new secret, so feed links are re-keyed.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from './persistence/sqlite.ts';

/** Copies the database in `dataDir` to `destination` (a file path), page by page, without stopping the relay. */
export async function backupDatabase(dataDir: string, destination: string): Promise<{ file: string; pages: number }> {
	const source = join(dataDir, DATABASE_FILE);
	if (!existsSync(source)) throw new Error(`There is no relay database at ${source}. Check DATA_DIR.`);
	const file = resolve(destination);
	if (file === resolve(source)) throw new Error('Back up to another file than the live database.');
	mkdirSync(dirname(file), { recursive: true });
	// A separate read connection: the backup API copies a consistent snapshot while writers go on.
	const db = new Database(source, { readonly: true, fileMustExist: true });
	let pages: number;
	try {
		pages = (await db.backup(file)).totalPages;
	} finally {
		db.close();
	}
	forgetRelaySecret(file);
	return { file, pages };
}

/** Removes the relay's secret from a copy, leaving none of its bytes in the file. */
function forgetRelaySecret(file: string): void {
	const copy = new Database(file, { fileMustExist: true });
	try {
		// One file, no write-ahead log beside it; freed pages are rewritten, not left with the old bytes.
		copy.pragma('journal_mode = DELETE');
		copy.pragma('secure_delete = ON');
		const hasSecret = copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'auth_secret'").get();
		if (hasSecret) copy.exec('DELETE FROM auth_secret');
		copy.exec('VACUUM');
	} finally {
		copy.close();
	}
}
