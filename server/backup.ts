// Online backup of the relay's database with SQLite's backup API: consistent while the relay runs.
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
	try {
		const result = await db.backup(file);
		return { file, pages: result.totalPages };
	} finally {
		db.close();
	}
}
