// New groups registered through the SQLite store's writer thread: written in the same commit as the
// updates appended meanwhile, visible to the relay's own connection once the promise resolves, and
// a registration that loses (the id or the token taken) changes nothing and fails no update beside it.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newOwnerToken, registrationOf, TokenStore } from '../auth/store.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { createSqliteStore, DATABASE_FILE, openDatabase, type SqliteRoomStore } from './sqlite.ts';

const opened: { dir: string; db: Database.Database; store: SqliteRoomStore }[] = [];
afterEach(async () => {
	for (const { dir, db, store } of opened.splice(0)) {
		await store.close();
		db.close();
		rmSync(dir, { recursive: true, force: true });
	}
});

function open() {
	const dir = mkdtempSync(join(tmpdir(), 'commonplace-register-'));
	const db = openDatabase(dir);
	const store = createSqliteStore(db);
	const tokens = new TokenStore(db, (registration) => store.registerGroup(registration));
	opened.push({ dir, db, store });
	return { dir, db, store, tokens };
}

function update(): Uint8Array {
	const doc = new Y.Doc();
	let out: Uint8Array = new Uint8Array();
	doc.on('update', (u: Uint8Array) => (out = u));
	doc.getArray<number>('log').push([1]);
	return out;
}

describe('SQLite store: registering new groups on the writer thread', () => {
	it('writes the group and its owner token, which the relay’s connection then finds', async () => {
		const { dir, tokens } = open();
		const token = newToken();
		const owner = await tokens.registerGroup('g1', hashToken(token));
		expect(owner).toMatchObject({ groupId: 'g1', role: 'owner', kind: 'member' });
		expect(tokens.group('g1')).toMatchObject({ groupId: 'g1', name: null });
		expect(tokens.findByHash(hashToken(token))).toMatchObject({ id: owner!.id, groupId: 'g1', role: 'owner', label: 'Created the group' });
		// And another process opening the file (the relay after a restart) finds them too.
		const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
		try {
			expect(other.prepare('SELECT group_id FROM auth_groups').all()).toEqual([{ group_id: 'g1' }]);
			expect(other.prepare('SELECT id, role FROM auth_tokens').all()).toEqual([{ id: owner!.id, role: 'owner' }]);
		} finally {
			other.close();
		}
	});

	it('commits registrations and the updates of the same tick together, and a lost registration fails nothing else', async () => {
		const { db, store, tokens } = open();
		const token = newToken();
		const [first, taken, stolen, appended] = await Promise.all([
			tokens.registerGroup('g1', hashToken(token)),
			// The same id again, and another id with the first one's token: both lose, in the same commit.
			tokens.registerGroup('g1', hashToken(newToken())),
			tokens.registerGroup('g2', hashToken(token)),
			store.append('g3', update())
		]);
		expect(first).not.toBeNull();
		expect(taken).toBeNull();
		expect(stolen).toBeNull();
		expect(appended.logUpdates).toBe(1);
		expect(db.prepare('SELECT group_id FROM auth_groups ORDER BY 1').all()).toEqual([{ group_id: 'g1' }]);
		expect(db.prepare('SELECT count(*) AS n FROM auth_tokens').get()).toEqual({ n: 1 });
		expect((await store.load('g3'))?.updates).toHaveLength(1);
	});

	it('never registers a deleted group again', async () => {
		const { tokens } = open();
		const owner = tokens.createGroup('g1', hashToken(newToken()));
		expect(tokens.deleteGroup('g1')).toBe(true);
		expect(await tokens.registerGroup('g1', hashToken(newToken()))).toBeNull();
		expect(tokens.group('g1')).toBeNull();
		expect(owner.groupId).toBe('g1');
	});

	it('writes the same rows as the relay’s own connection does', async () => {
		const { db, store } = open();
		new TokenStore(db);
		const owner = newOwnerToken('g1', hashToken(newToken()), 'Created the group', 1_000);
		expect(await store.registerGroup(registrationOf(owner, null))).toBe(true);
		const row = db.prepare('SELECT * FROM auth_tokens WHERE id = ?').get(owner.id);
		expect(row).toMatchObject({ group_id: 'g1', role: 'owner', kind: 'member', created_at: 1_000, revoked_at: null, max_uses: null, used_at: null, invite_id: null });
	});
});
