// A database made before updates carried their author: it opens, its rows stay readable (authorless
// in the history), and new rows carry their author through compaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { unpackHistory } from '../../src/lib/history/packed.ts';
import { createSqliteStore, openDatabase } from './sqlite.ts';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function updates(count: number): Uint8Array[] {
	const doc = new Y.Doc();
	const out: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => out.push(u));
	for (let i = 0; i < count; i++) doc.getArray<number>('log').push([i]);
	return out;
}

describe('SQLite store: history columns added to an older database', () => {
	it('keeps the older rows and adds authors from then on', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'commonplace-migrate-'));
		dirs.push(dir);
		const [first, second, third] = updates(3);
		const old = openDatabase(dir);
		old.exec(`
			CREATE TABLE group_snapshots (group_id TEXT PRIMARY KEY, body BLOB NOT NULL, through_seq INTEGER NOT NULL, updated_at INTEGER NOT NULL);
			CREATE TABLE group_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, group_id TEXT NOT NULL, body BLOB NOT NULL);
		`);
		old.prepare('INSERT INTO group_updates (group_id, body) VALUES (?, ?)').run('g', first);
		old.close();

		const db = openDatabase(dir);
		const store = createSqliteStore(db);
		try {
			expect((await store.load('g'))!.updates).toEqual([first]);
			await store.append('g', second, { tokenId: 't-ana', name: 'Ana', at: Date.now() });
			await store.compact('g');
			await store.append('g', third, { tokenId: 't-ben', name: 'Ben', at: Date.now() });
			const history = unpackHistory((await store.loadHistory('g'))!);
			expect(history.updates.map((u) => u.author?.name ?? null)).toEqual([null, 'Ana', 'Ben']);
			expect(history.updates.map((u) => u.body)).toEqual([first, second, third]);
		} finally {
			await store.close();
			db.close();
		}
		// The store starts two worker threads, which take seconds on a busy machine.
	}, 30_000);
});
