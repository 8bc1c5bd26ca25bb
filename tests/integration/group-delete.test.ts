// Deleting a group, by its owner through the API and by the operator's CLI, against a real relay:
// connections close, the database forgets the group, and everyone is told why afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { addItem, createGroup, hasGroup } from '../../src/lib/model/index';
import { connectMember, eventually, newToken, startTestRelay, storedRowCounts, type TestMember, type TestRelay } from '../helpers/relay';
import { runAdmin, type AdminResult } from '../helpers/admin.ts';

const DELETED = /deleted by its owner/;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayFor(dataDir?: string): Promise<TestRelay> {
	// Compacting after a few updates gives the group a snapshot as well as logged updates.
	const relay = await startTestRelay({ compactAfterUpdates: 3, ...(dataDir ? { dataDir } : {}) });
	cleanups.push(() => relay.stop());
	return relay;
}

function member(relay: TestRelay, groupId: string, options: { token: string; create?: boolean }): TestMember {
	const m = connectMember(relay.wsUrl, groupId, options);
	cleanups.push(() => m.destroy());
	return m;
}

async function call(relay: TestRelay, method: string, path: string, token?: string, body?: object) {
	const res = await fetch(`${relay.url}${path}`, {
		method,
		headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const text = await res.text();
	return { status: res.status, json: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : null };
}

/** What the relay answers a WebSocket upgrade: its HTTP status and JSON body when it refuses. */
function tryUpgrade(relay: TestRelay, groupId: string, query: string): Promise<{ status: number; body: { message?: string } }> {
	return new Promise((done, fail) => {
		const ws = new WebSocket(`${relay.wsUrl}/${groupId}?${query}`);
		ws.on('open', () => {
			ws.close();
			done({ status: 101, body: {} });
		});
		ws.on('unexpected-response', (_req, res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
			res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
		});
		ws.on('error', (error) => fail(error));
	});
}

/** Rows the relay's storage holds of a group, table by table. */
async function rowsOf(dataDir: string, groupId: string): Promise<Record<string, number>> {
	const rows = await storedRowCounts(dataDir, groupId, ['group_updates', 'group_snapshots', 'auth_tokens', 'auth_groups', 'auth_deleted_groups']);
	return { updates: rows.group_updates, snapshots: rows.group_snapshots, tokens: rows.auth_tokens, groups: rows.auth_groups, deleted: rows.auth_deleted_groups };
}

/** A group on the relay with some items (stored as a snapshot and logged updates), and invites. */
async function groupWithContent(relay: TestRelay) {
	const groupId = `g${newToken().slice(0, 10)}`;
	const ownerToken = newToken();
	const owner = member(relay, groupId, { token: ownerToken, create: true });
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'ann' }, { name: 'Soon gone' });
	for (let i = 0; i < 5; i++) addItem(owner.doc, { memberId: 'ann' }, { url: `https://example.org/${i}`, title: `Page ${i}` });
	await eventually(async () => (await rowsOf(relay.dataDir, groupId)).snapshots === 1);
	// One more, logged after the snapshot.
	addItem(owner.doc, { memberId: 'ann' }, { url: 'https://example.org/last', title: 'Last page' });
	await eventually(async () => (await rowsOf(relay.dataDir, groupId)).updates > 0);
	const base = `/api/groups/${groupId}`;
	const invite = async (role: string) => (await call(relay, 'POST', `${base}/invites`, ownerToken, { role })).json as { token: string };
	return { groupId, ownerToken, owner, base, invite };
}

/** Collects the close codes and reasons a member's connection gets. */
function closesOf(m: TestMember): { code: number; reason: string }[] {
	const closes: { code: number; reason: string }[] = [];
	m.provider.on('connection-close', (event) => event && closes.push({ code: event.code, reason: event.reason }));
	return closes;
}

describe('deleting a group through the API', () => {
	it('is for the owner only; it closes every connection, empties the database and is explained afterwards', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, owner, base, invite } = await groupWithContent(relay);
		const editorInvite = await invite('editor');
		const viewerInvite = await invite('viewer');
		const editor = member(relay, groupId, { token: editorInvite.token });
		await eventually(() => editor.provider.synced && hasGroup(editor.doc));
		const feed = (await call(relay, 'GET', `${base}/feed`, ownerToken)).json as { rss: string };

		for (const token of [editorInvite.token, viewerInvite.token]) {
			const refused = await call(relay, 'DELETE', base, token);
			expect(refused.status).toBe(403);
			expect(refused.json.error).toMatch(/owner/);
		}
		expect((await call(relay, 'DELETE', base)).status).toBe(401);
		expect((await call(relay, 'POST', base, ownerToken)).status).toBe(405);
		expect(await rowsOf(relay.dataDir, groupId)).toMatchObject({ snapshots: 1, tokens: 3, groups: 1, deleted: 0 });

		const ownerCloses = closesOf(owner);
		const editorCloses = closesOf(editor);
		expect((await call(relay, 'DELETE', base, ownerToken)).status).toBe(204);

		await eventually(() => ownerCloses.length > 0 && editorCloses.length > 0);
		for (const close of [ownerCloses[0], editorCloses[0]]) {
			expect(close.code).toBe(4410);
			expect(close.reason).toMatch(DELETED);
		}
		expect(await rowsOf(relay.dataDir, groupId)).toEqual({ updates: 0, snapshots: 0, tokens: 0, groups: 0, deleted: 1 });
		expect(relay.relay.roomsLoaded).toBe(0);
		expect(await relay.relay.loadGroupDoc(groupId)).toBeNull();

		// Afterwards: the API, sync (even asking to create the group again) and feeds say what happened.
		for (const token of [ownerToken, editorInvite.token, viewerInvite.token]) {
			const me = await call(relay, 'GET', `${base}/me`, token);
			expect(me.status).toBe(410);
			expect(me.json.error).toMatch(DELETED);
		}
		expect((await call(relay, 'DELETE', base, ownerToken)).status).toBe(410);
		for (const query of [`token=${ownerToken}`, `token=${newToken()}&create=1`]) {
			const upgrade = await tryUpgrade(relay, groupId, query);
			expect(upgrade.status).toBe(410);
			expect(upgrade.body.message).toMatch(DELETED);
		}
		expect((await call(relay, 'GET', feed.rss)).status).toBe(410);
		// Nothing of the refused attempts brought anything back.
		expect(await rowsOf(relay.dataDir, groupId)).toEqual({ updates: 0, snapshots: 0, tokens: 0, groups: 0, deleted: 1 });
	});

	it('leaves the relay’s other groups alone', async () => {
		const relay = await relayFor();
		const doomed = await groupWithContent(relay);
		const kept = await groupWithContent(relay);
		expect((await call(relay, 'DELETE', doomed.base, doomed.ownerToken)).status).toBe(204);
		expect(await rowsOf(relay.dataDir, kept.groupId)).toMatchObject({ snapshots: 1, tokens: 1, groups: 1, deleted: 0 });
		expect((await call(relay, 'GET', `${kept.base}/me`, kept.ownerToken)).json).toMatchObject({ role: 'owner', name: 'Soon gone' });
		expect(kept.owner.provider.wsconnected).toBe(true);
	});
});

function admin(dataDir: string, ...args: string[]): Promise<AdminResult> {
	return runAdmin(dataDir, args);
}

describe('npm run admin -- delete-group', () => {
	it('deletes a group while the relay runs: its members are disconnected and its data is gone', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-delete-'));
		cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
		const relay = await relayFor(dataDir);
		const { groupId, owner, base, ownerToken } = await groupWithContent(relay);

		expect((await admin(dataDir, '--help')).stdout).toMatch(/delete-group <groupId>/);
		const unknown = await admin(dataDir, 'delete-group', 'no-such-group');
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toMatch(/There is no group no-such-group/);

		const closes = closesOf(owner);
		const deleted = await admin(dataDir, 'delete-group', groupId);
		expect(deleted.code).toBe(0);
		expect(deleted.stdout).toContain(`Deleted the group ${groupId}`);
		// The relay learns of it from the database (it polls every half second).
		await eventually(() => closes.length > 0, 5_000);
		expect(closes[0]).toEqual({ code: 4410, reason: expect.stringMatching(DELETED) });
		await eventually(() => relay.relay.roomsLoaded === 0);
		expect(await rowsOf(dataDir, groupId)).toEqual({ updates: 0, snapshots: 0, tokens: 0, groups: 0, deleted: 1 });
		expect((await call(relay, 'GET', `${base}/me`, ownerToken)).json.error).toMatch(DELETED);

		const again = await admin(dataDir, 'delete-group', groupId);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/already deleted/);
	});
});
