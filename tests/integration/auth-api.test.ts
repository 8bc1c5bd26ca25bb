// The relay's HTTP API for members and owners, and the operator CLI, against a real relay.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroup, getGroupInfo, hasGroup } from '../../src/lib/model/index';
import { connectMember, eventually, newToken, restoreBackup, startTestRelay, storedRowCounts, type TestMember, type TestRelay } from '../helpers/relay';
import { runAdmin, type AdminResult } from '../helpers/admin.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayFor(dataDir?: string): Promise<TestRelay> {
	const relay = await startTestRelay(dataDir ? { dataDir } : {});
	cleanups.push(() => relay.stop());
	return relay;
}

function member(relay: TestRelay, groupId: string, options: { token: string; create?: boolean }): TestMember {
	const m = connectMember(relay.wsUrl, groupId, options);
	cleanups.push(() => m.destroy());
	return m;
}

async function call(relay: TestRelay, method: string, path: string, options: { token?: string; body?: string | object } = {}) {
	const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body;
	const res = await fetch(`${relay.url}${path}`, {
		method,
		headers: {
			...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
			...(body !== undefined ? { 'content-type': 'application/json' } : {})
		},
		body
	});
	const text = await res.text();
	const json = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : null;
	return { status: res.status, headers: res.headers, json, text };
}

async function groupOnRelay(relay: TestRelay) {
	const groupId = `g${newToken().slice(0, 10)}`;
	const ownerToken = newToken();
	const owner = member(relay, groupId, { token: ownerToken, create: true });
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'ann' }, { name: 'Tic&Travail' });
	await eventually(async () => {
		const doc = await relay.relay.loadGroupDoc(groupId);
		return doc !== null && hasGroup(doc);
	});
	const base = `/api/groups/${groupId}`;
	const invite = async (role: string, label?: string) => (await call(relay, 'POST', `${base}/invites`, { token: ownerToken, body: { role, label } })).json;
	return { groupId, ownerToken, owner, base, invite };
}

describe('the HTTP API', () => {
	it('tells each member their role and the group’s name; refuses others in words', async () => {
		const relay = await relayFor();
		const { base, ownerToken, invite } = await groupOnRelay(relay);
		const editor = await invite('editor');
		const viewer = await invite('viewer');
		for (const [token, role] of [
			[ownerToken, 'owner'],
			[editor.token, 'editor'],
			[viewer.token, 'viewer']
		]) {
			const me = await call(relay, 'GET', `${base}/me`, { token });
			expect(me.status).toBe(200);
			expect(me.json).toMatchObject({ role, name: 'Tic&Travail' });
		}
		const none = await call(relay, 'GET', `${base}/me`);
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toBe('Bearer');
		expect(none.json.error).toMatch(/token/);
		expect((await call(relay, 'GET', `${base}/me`, { token: newToken() })).status).toBe(401);
	});

	it('lets the owner create, list and revoke invites; nobody else', async () => {
		const relay = await relayFor();
		const { groupId, base, ownerToken, invite } = await groupOnRelay(relay);
		const editor = await invite('editor', 'for Bea');
		expect(editor).toMatchObject({ role: 'editor', label: 'for Bea', link: `/join/${groupId}#${editor.token}` });
		expect(editor.token.length).toBeGreaterThanOrEqual(22);
		const viewer = await invite('viewer');

		// Invite links only: the owner's own token is a member, listed under `members`.
		const list = await call(relay, 'GET', `${base}/invites`, { token: ownerToken });
		expect(list.json.map((i: { role: string }) => i.role)).toEqual(['editor', 'viewer']);
		expect(list.json[0]).toEqual({ id: editor.id, role: 'editor', label: 'for Bea', createdAt: expect.any(Number), single: false, usedAt: null, joined: [] });
		expect(JSON.stringify(list.json)).not.toContain(editor.token);

		for (const token of [editor.token, viewer.token]) {
			expect((await call(relay, 'GET', `${base}/invites`, { token })).status).toBe(403);
			expect((await call(relay, 'POST', `${base}/invites`, { token, body: { role: 'owner' } })).status).toBe(403);
			expect((await call(relay, 'DELETE', `${base}/invites/${editor.id}`, { token })).status).toBe(403);
		}

		expect((await call(relay, 'DELETE', `${base}/invites/${viewer.id}`, { token: ownerToken })).status).toBe(204);
		expect((await call(relay, 'DELETE', `${base}/invites/${viewer.id}`, { token: ownerToken })).status).toBe(404);
		const mine = (await call(relay, 'GET', `${base}/me`, { token: ownerToken })).json.inviteId;
		const self = await call(relay, 'DELETE', `${base}/invites/${mine}`, { token: ownerToken });
		expect(self.status).toBe(400);
		expect((await call(relay, 'GET', `${base}/invites`, { token: ownerToken })).json).toHaveLength(1);
		const revoked = await call(relay, 'GET', `${base}/me`, { token: viewer.token });
		expect(revoked.status).toBe(401);
		expect(revoked.json.error).toMatch(/revoked/);
		expect(revoked.json.closeCode).toBe(4402);
	});

	it('refuses bad requests with JSON errors in words and changes nothing', async () => {
		const relay = await relayFor();
		const { base, ownerToken } = await groupOnRelay(relay);
		const post = (body: string | object) => call(relay, 'POST', `${base}/invites`, { token: ownerToken, body });
		const cases = [
			[await post({ role: 'admin' }), 400, /owner, editor or viewer/],
			[await post({ role: 'editor', label: 'x'.repeat(101) }), 400, /at most 100/],
			[await post({ role: 'editor', label: 7 }), 400, /text/],
			[await post({ role: 'editor', single: 'yes' }), 400, /true .* or false/],
			[await post('{"role":'), 400, /not valid JSON/],
			[await post('[1]'), 400, /JSON object/],
			[await post({ role: 'editor', label: 'y'.repeat(20_000) }), 413, /too large/],
			[await call(relay, 'PUT', `${base}/invites`, { token: ownerToken }), 405, /Use GET or POST/],
			[await call(relay, 'GET', `${base}/nothing-here`, { token: ownerToken }), 404, /no such/],
			[await call(relay, 'GET', `${base}/export?format=pdf`, { token: ownerToken }), 400, /json, html, jsonld or csv/]
		] as const;
		for (const [res, status, words] of cases) {
			expect(res.status).toBe(status);
			expect(res.json.error).toMatch(words);
		}
		expect((await call(relay, 'GET', `${base}/invites`, { token: ownerToken })).json).toHaveLength(0);
	});

	it('gives every member the feed links; the owner replaces them and the old ones stop working', async () => {
		const relay = await relayFor();
		const { base, ownerToken, invite } = await groupOnRelay(relay);
		const viewer = await invite('viewer');
		const links = (await call(relay, 'GET', `${base}/feed`, { token: viewer.token })).json;
		expect(Object.keys(links).sort()).toEqual(['atom', 'opml', 'rss']);
		expect((await call(relay, 'GET', links.rss)).status).toBe(200);
		expect((await call(relay, 'GET', links.atom)).status).toBe(200);

		expect((await call(relay, 'POST', `${base}/feed/rotate`, { token: viewer.token })).status).toBe(403);
		const next = (await call(relay, 'POST', `${base}/feed/rotate`, { token: ownerToken })).json;
		expect(next.rss).not.toBe(links.rss);
		expect((await call(relay, 'GET', next.rss)).status).toBe(200);
		expect((await call(relay, 'GET', links.rss)).status).toBe(401);
		expect((await call(relay, 'GET', `${base}/feed`, { token: viewer.token })).json).toEqual(next);
	});

	it('exports the group for any member', async () => {
		const relay = await relayFor();
		const { base, invite } = await groupOnRelay(relay);
		const viewer = await invite('viewer');
		const res = await call(relay, 'GET', `${base}/export?format=json`, { token: viewer.token });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.json"/);
		expect(res.text).toContain('Tic&Travail');
		expect((await call(relay, 'GET', `${base}/export?format=csv`)).status).toBe(401);
	});
});

function admin(dataDir: string, ...args: string[]): Promise<AdminResult> {
	return runAdmin(dataDir, args, { PUBLIC_ORIGIN: 'https://commonplace.example.org' });
}

describe('the operator CLI', () => {
	it('creates a group whose owner link works, lists groups and invites, revokes live, and backs up', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-admin-'));
		cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

		const help = await admin(dataDir, '--help');
		expect(help.stdout).toMatch(/create-group <name>/);
		const unknown = await admin(dataDir, 'frobnicate');
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);

		const created = await admin(dataDir, 'create-group', 'Tic&Travail');
		expect(created.code).toBe(0);
		const link = /https:\/\/commonplace\.example\.org\/join\/([0-9a-f]{32})#([A-Za-z0-9_-]{22,})/.exec(created.stdout);
		expect(link).not.toBeNull();
		const [, groupId, ownerToken] = link!;

		const relay = await relayFor(dataDir);
		const owner = member(relay, groupId, { token: ownerToken });
		await eventually(() => owner.provider.synced && hasGroup(owner.doc));
		expect(getGroupInfo(owner.doc).name).toBe('Tic&Travail');

		const editorInvite = (await call(relay, 'POST', `/api/groups/${groupId}/invites`, { token: ownerToken, body: { role: 'editor' } })).json;
		const editor = member(relay, groupId, { token: editorInvite.token });
		await eventually(() => editor.provider.synced);

		const groups = await admin(dataDir, 'list-groups');
		expect(groups.stdout).toMatch(new RegExp(`${groupId}\\s+0\\s+1\\s+1\\s+0\\s+0\\s+Tic&Travail`));
		expect((await admin(dataDir, 'invites', groupId)).stdout).toContain(editorInvite.id);

		const closes: { code: number; at: number }[] = [];
		editor.provider.on('connection-close', (event) => event && closes.push({ code: event.code, at: Date.now() }));
		const revoked = await admin(dataDir, 'revoke', groupId, editorInvite.id);
		const revokedAt = Date.now();
		expect(revoked.code).toBe(0);
		// The relay learns of the CLI's revocation from the database (it polls every half second).
		await eventually(() => closes.length > 0, 5_000);
		expect(closes[0].code).toBe(4402);
		console.info(`the relay closed the connection ${Math.max(0, closes[0].at - revokedAt)} ms after the CLI exited`);
		expect((await admin(dataDir, 'revoke', groupId, editorInvite.id)).stderr).toMatch(/no active invite/);

		// A single relay's SQLite file, or a cluster's schema by pg_dump: either restores to the groups it held.
		const backupFile = join(dataDir, 'backups', 'copy');
		const backup = await admin(dataDir, 'backup', backupFile);
		expect(backup.code).toBe(0);
		expect(backup.stdout).toContain(backupFile);
		expect(existsSync(backupFile)).toBe(true);
		const restored = await restoreBackup(backupFile);
		cleanups.push(restored.remove);
		const tables = ['auth_groups', 'auth_tokens', 'group_updates', 'group_snapshots'] as const;
		const live = await storedRowCounts(dataDir, groupId, tables);
		expect(live.auth_groups).toBe(1);
		expect(await storedRowCounts(restored.dataDir, groupId, tables)).toEqual(live);
	});
});
