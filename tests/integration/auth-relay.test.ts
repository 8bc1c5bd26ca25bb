// Private groups on a real relay: every refusal by HTTP status or close code, viewers that cannot
// write, revocation of live connections, creation rules, bad-token limits, and tokens kept secret.
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import type { AuthConfig } from '../../server/auth/config';
import type { RelayConfig } from '../../server/config';
import { addItem, createGroup, readAllItems } from '../../src/lib/model/index';
import { connectMember, eventually, newToken, spawnRelay, startTestRelay, storedText, type TestMember, type TestRelay } from '../helpers/relay';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayFor(overrides: Partial<RelayConfig> & AuthConfig = {}): Promise<TestRelay> {
	// Access-control settings the relay's config does not list (the bad-token limits) pass through as they are.
	const relay = await startTestRelay(overrides);
	cleanups.push(() => relay.stop());
	return relay;
}

function member(wsUrl: string, groupId: string, options: { token: string; create?: boolean }): TestMember {
	const m = connectMember(wsUrl, groupId, options);
	cleanups.push(() => m.destroy());
	return m;
}

const synced = (m: TestMember) => eventually(() => m.provider.synced);

type Upgrade = { status: 101; ws: WebSocket } | { status: number; body: { error?: string; message?: string } };

/** Opens a raw sync connection; resolves with 101 and the socket, or the HTTP refusal. */
function upgrade(url: string, localAddress?: string): Promise<Upgrade> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { localAddress });
		ws.once('open', () => {
			cleanups.push(() => ws.terminate());
			resolve({ status: 101, ws });
		});
		ws.once('unexpected-response', (_req, res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
		});
		ws.once('error', reject);
	});
}

function syncUrl(relay: TestRelay, groupId: string, params: Record<string, string>): string {
	const base = relay.url.replace(/^http/, 'ws');
	return `${base}/sync/${groupId}?${new URLSearchParams(params)}`;
}

/** A JSON request to the relay's API, optionally from another loopback address. */
function api(
	relay: TestRelay,
	method: string,
	path: string,
	options: { token?: string; body?: unknown; localAddress?: string } = {}
): Promise<{ status: number; body: any; text: string }> {
	return new Promise((resolve, reject) => {
		const req = request(`${relay.url}${path}`, {
			method,
			localAddress: options.localAddress,
			headers: {
				...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
				...(options.body ? { 'content-type': 'application/json' } : {})
			}
		});
		req.on('response', (res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
			res.on('end', () => {
				const json = /json/.test(res.headers['content-type'] ?? '') && text;
				resolve({ status: res.statusCode ?? 0, body: json ? JSON.parse(text) : null, text });
			});
		});
		req.on('error', reject);
		req.end(options.body ? JSON.stringify(options.body) : undefined);
	});
}

/** A group registered by its owner's first connection, with the owner still connected. */
async function groupWithOwner(relay: TestRelay, groupId = `g${newToken().slice(0, 8)}`) {
	const ownerToken = newToken();
	const owner = member(relay.wsUrl, groupId, { token: ownerToken, create: true });
	await synced(owner);
	const invite = async (role: 'owner' | 'editor' | 'viewer') => {
		const res = await api(relay, 'POST', `/api/groups/${groupId}/invites`, { token: ownerToken, body: { role } });
		expect(res.status).toBe(201);
		return res.body as { id: string; token: string; link: string };
	};
	return { groupId, ownerToken, owner, invite };
}

describe('refusals before the upgrade', () => {
	it('401 for a missing, unknown or revoked token, saying which; 403 for the feed token', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, invite } = await groupWithOwner(relay);
		const editor = await invite('editor');
		expect((await api(relay, 'DELETE', `/api/groups/${groupId}/invites/${editor.id}`, { token: ownerToken })).status).toBe(204);
		const feed = (await api(relay, 'GET', `/api/groups/${groupId}/feed`, { token: ownerToken })).body.rss as string;
		const feedToken = new URL(feed, relay.url).searchParams.get('token')!;

		const missing = await upgrade(syncUrl(relay, groupId, {}));
		const unknown = await upgrade(syncUrl(relay, groupId, { token: newToken() }));
		const revoked = await upgrade(syncUrl(relay, groupId, { token: editor.token }));
		const feedSync = await upgrade(syncUrl(relay, groupId, { token: feedToken }));
		const otherGroup = await upgrade(syncUrl(relay, 'some-other-group', { token: ownerToken }));

		expect([missing.status, unknown.status, revoked.status, otherGroup.status]).toEqual([401, 401, 401, 401]);
		expect(feedSync.status).toBe(403);
		const words = (u: Upgrade) => ('body' in u ? `${u.body.error} ${u.body.message}` : '');
		expect(words(revoked)).toMatch(/revoked/);
		expect(words(unknown)).not.toMatch(/revoked/);
		expect(words(feedSync)).toMatch(/feed/);
		expect(words(missing)).toMatch(/token/);
	});

	it('403 for a second creation of a group with another token, which changes nothing', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, owner } = await groupWithOwner(relay);
		createGroup(owner.doc, { memberId: 'ann' }, { name: 'Tic&Travail' });
		addItem(owner.doc, { memberId: 'ann' }, { url: 'https://example.org/a', title: 'A' });
		await eventually(async () => (await relay.relay.loadGroupDoc(groupId)) !== null && readAllItems((await relay.relay.loadGroupDoc(groupId))!).length === 1);

		const intruder = await upgrade(syncUrl(relay, groupId, { token: newToken(), create: '1' }));
		expect(intruder.status).toBe(403);
		const members = await api(relay, 'GET', `/api/groups/${groupId}/members`, { token: ownerToken });
		expect(members.body).toHaveLength(1);
		expect(members.body[0]).toMatchObject({ role: 'owner' });
		// The owner presenting `create` again is simply let in.
		expect((await upgrade(syncUrl(relay, groupId, { token: ownerToken, create: '1' }))).status).toBe(101);
	});

	it('first connections of one new group at the same moment: one token becomes the owner’s, another is refused 403, a guess 401', async () => {
		const relay = await relayFor();
		const groupId = `g${newToken().slice(0, 8)}`;
		const ownerToken = newToken();
		// Sent together, so they reach the relay while the group is still being written.
		const [first, again, other, guess] = await Promise.all([
			upgrade(syncUrl(relay, groupId, { token: ownerToken, create: '1' })),
			upgrade(syncUrl(relay, groupId, { token: ownerToken, create: '1' })),
			upgrade(syncUrl(relay, groupId, { token: newToken(), create: '1' })),
			upgrade(syncUrl(relay, groupId, { token: newToken() }))
		]);
		expect([first.status, again.status]).toEqual([101, 101]);
		expect(other).toMatchObject({ status: 403, body: { error: 'group-exists' } });
		expect(guess).toMatchObject({ status: 401, body: { error: 'bad-token' } });
		const members = await api(relay, 'GET', `/api/groups/${groupId}/members`, { token: ownerToken });
		expect(members.body).toHaveLength(1);
		expect(members.body[0]).toMatchObject({ role: 'owner' });
	});
});

describe('a viewer', () => {
	it('reads the group and shows its presence, but its updates reach neither other members nor storage', async () => {
		const relay = await relayFor();
		const { groupId, owner, invite } = await groupWithOwner(relay);
		createGroup(owner.doc, { memberId: 'ann' }, { name: 'Readers' });
		addItem(owner.doc, { memberId: 'ann' }, { url: 'https://example.org/by-owner', title: 'By the owner' });

		const viewer = member(relay.wsUrl, groupId, { token: (await invite('viewer')).token });
		await eventually(() => readAllItems(viewer.doc).length === 1);

		// The viewer writes, then announces itself: the relay handles a connection's messages in order,
		// so once the owner sees the announcement, the write has been dealt with.
		addItem(viewer.doc, { memberId: 'vic' }, { url: 'https://example.org/by-viewer', title: 'By the viewer' });
		viewer.provider.awareness.setLocalStateField('member', { memberId: 'vic', name: 'Vic', color: '#2471a3' });
		await eventually(() => owner.provider.awareness.getStates().get(viewer.doc.clientID)?.member?.name === 'Vic');

		addItem(owner.doc, { memberId: 'ann' }, { url: 'https://example.org/later', title: 'Later' });
		await eventually(() => readAllItems(viewer.doc).some((i) => i.title === 'Later'));

		const titles = (doc: Y.Doc) => readAllItems(doc).map((i) => i.title).sort();
		expect(titles(owner.doc)).toEqual(['By the owner', 'Later']);
		const latecomer = member(relay.wsUrl, groupId, { token: (await invite('editor')).token });
		await eventually(() => readAllItems(latecomer.doc).length === 2);
		expect(titles(latecomer.doc)).toEqual(['By the owner', 'Later']);
		expect(titles((await relay.relay.loadGroupDoc(groupId))!)).toEqual(['By the owner', 'Later']);
		expect(relay.relay.metrics.render()).toMatch(/relay_refusals_total\{reason="viewer-update"\} [1-9]/);

		// And after a restart, from the database alone.
		const dataDir = relay.dataDir;
		viewer.destroy();
		latecomer.destroy();
		owner.destroy();
		await relay.relay.close();
		const again = await relayFor({ dataDir });
		expect(titles((await again.relay.loadGroupDoc(groupId))!)).toEqual(['By the owner', 'Later']);
	});
});

describe('revoking an invite', () => {
	it('closes its live connections with 4402 and words, and keeps its later edits out', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, owner, invite } = await groupWithOwner(relay);
		const editorInvite = await invite('editor');
		const viewerInvite = await invite('viewer');
		const editor = member(relay.wsUrl, groupId, { token: editorInvite.token });
		const viewer = member(relay.wsUrl, groupId, { token: viewerInvite.token });
		await Promise.all([synced(editor), synced(viewer)]);

		const closes: { code: number; reason: string; at: number }[] = [];
		editor.provider.on('connection-close', (event) => {
			if (event) closes.push({ code: event.code, reason: event.reason, at: Date.now() });
		});
		const revokedAt = Date.now();
		expect((await api(relay, 'DELETE', `/api/groups/${groupId}/invites/${editorInvite.id}`, { token: ownerToken })).status).toBe(204);
		await eventually(() => closes.length > 0, 5_000);
		expect(closes[0]).toMatchObject({ code: 4402, reason: expect.stringMatching(/revoked/) });
		console.info(`revocation closed the editor's connection ${closes[0].at - revokedAt} ms after the request`);

		// The viewer's connection, another token, stays open; the editor's edits no longer reach anyone.
		expect(viewer.provider.wsconnected).toBe(true);
		addItem(editor.doc, { memberId: 'eve' }, { url: 'https://example.org/after', title: 'After revocation' });
		addItem(owner.doc, { memberId: 'ann' }, { url: 'https://example.org/owner', title: 'Owner' });
		await eventually(() => readAllItems(viewer.doc).length === 1);
		expect(readAllItems(owner.doc).map((i) => i.title)).toEqual(['Owner']);
		expect((await upgrade(syncUrl(relay, groupId, { token: editorInvite.token }))).status).toBe(401);
	});
});

describe('creating groups', () => {
	const owner = () => newToken();

	it('is open on loopback', async () => {
		const relay = await relayFor();
		expect((await upgrade(syncUrl(relay, 'new-group', { token: owner(), create: '1' }))).status).toBe(101);
	});

	it('needs the creation token on a public relay, and changes nothing when refused', async () => {
		// 127.0.0.2 is loopback too; `publicBind` makes the relay follow the rules of a public address.
		const relay = await relayFor({ host: '127.0.0.2', publicBind: true, createToken: 'the-operators-creation-token' });
		const token = owner();
		const without = await upgrade(syncUrl(relay, 'g1', { token, create: '1' }));
		const wrong = await upgrade(syncUrl(relay, 'g1', { token, create: '1', createToken: 'guess' }));
		expect([without.status, wrong.status]).toEqual([403, 403]);
		expect('body' in without && without.body.message).toMatch(/creation token/);
		expect((await upgrade(syncUrl(relay, 'g1', { token }))).status).toBe(401); // not registered

		const right = await upgrade(syncUrl(relay, 'g1', { token, create: '1', createToken: 'the-operators-creation-token' }));
		expect(right.status).toBe(101);
		const second = await upgrade(syncUrl(relay, 'g1', { token: owner(), create: '1', createToken: 'the-operators-creation-token' }));
		expect(second.status).toBe(403);
	});

	it('is closed on a public relay without a creation token, unless the operator opens it', async () => {
		const closed = await relayFor({ host: '127.0.0.2', publicBind: true });
		expect((await upgrade(syncUrl(closed, 'g1', { token: owner(), create: '1' }))).status).toBe(403);
		const open = await relayFor({ host: '127.0.0.2', publicBind: true, openCreation: true });
		expect((await upgrade(syncUrl(open, 'g1', { token: owner(), create: '1' }))).status).toBe(101);
	});
});

describe('bad tokens from one address', () => {
	it('are refused with 429 after the limit, for sync and the API, while good tokens and other addresses carry on', async () => {
		const relay = await relayFor({ badTokenLimit: 4, badTokenSlowAfter: 2 });
		const { groupId, ownerToken } = await groupWithOwner(relay);
		const guesser = '127.0.0.3';
		const statuses: number[] = [];
		const waited: number[] = [];
		for (let i = 0; i < 5; i++) {
			const started = performance.now();
			statuses.push((await upgrade(syncUrl(relay, groupId, { token: newToken() }), guesser)).status);
			waited.push(performance.now() - started);
		}
		expect(statuses).toEqual([401, 401, 401, 401, 429]);
		// Past `badTokenSlowAfter` the relay holds the refusal back before answering.
		expect(waited[2]).toBeGreaterThanOrEqual(190);
		// Bad tokens are refused outright now, the API's too; a good token from the same address (a
		// member behind the same NAT) still gets in.
		const apiRefusal = await api(relay, 'GET', `/api/groups/${groupId}/me`, { token: newToken(), localAddress: guesser });
		expect(apiRefusal.status).toBe(429);
		expect(apiRefusal.body.error).toMatch(/Try again/);
		expect((await upgrade(syncUrl(relay, groupId, { token: ownerToken }), guesser)).status).toBe(101);
		expect((await api(relay, 'GET', `/api/groups/${groupId}/me`, { token: ownerToken, localAddress: guesser })).status).toBe(200);
		// Members elsewhere are unaffected.
		expect((await upgrade(syncUrl(relay, groupId, { token: ownerToken }), '127.0.0.4')).status).toBe(101);
		expect((await api(relay, 'GET', `/api/groups/${groupId}/me`, { token: ownerToken })).status).toBe(200);
	});
});

describe('tokens', () => {
	it('never appear in clear in the relay’s log output or its database files', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-secrets-'));
		cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
		const createToken = `create-${newToken()}`;
		const spawned = await spawnRelay({ dataDir, logLevel: 'debug', createToken });
		cleanups.push(() => spawned.kill());
		const relay = { url: spawned.url, wsUrl: spawned.wsUrl } as TestRelay;

		const groupId = 'secret-group';
		const ownerToken = newToken();
		const owner = member(spawned.wsUrl, groupId, { token: ownerToken, create: true });
		await synced(owner);
		createGroup(owner.doc, { memberId: 'ann' }, { name: 'Secrets' });
		const made = async (role: string) =>
			(await api(relay, 'POST', `/api/groups/${groupId}/invites`, { token: ownerToken, body: { role } })).body as { id: string; token: string };
		const editor = await made('editor');
		const viewer = await made('viewer');
		const editorMember = member(spawned.wsUrl, groupId, { token: editor.token });
		await synced(editorMember);
		addItem(editorMember.doc, { memberId: 'eve' }, { url: 'https://example.org/x', title: 'X' });
		const guess = newToken();
		await upgrade(`${spawned.wsUrl}/${groupId}?token=${guess}`);
		await api(relay, 'GET', `/api/groups/${groupId}/me`, { token: guess });
		const feedPath = (await api(relay, 'GET', `/api/groups/${groupId}/feed`, { token: viewer.token })).body.rss as string;
		const feedToken = new URL(feedPath, spawned.url).searchParams.get('token')!;
		expect((await api(relay, 'GET', feedPath)).status).toBe(200);
		expect((await api(relay, 'GET', `/feeds/${groupId}.rss?token=${guess}`)).status).toBe(401);
		await api(relay, 'DELETE', `/api/groups/${groupId}/invites/${editor.id}`, { token: ownerToken });
		await eventually(() => !editorMember.provider.wsconnected);
		const rotated = (await api(relay, 'POST', `/api/groups/${groupId}/feed/rotate`, { token: ownerToken })).body.rss as string;
		const rotatedToken = new URL(rotated, spawned.url).searchParams.get('token')!;

		editorMember.destroy();
		owner.destroy();
		expect(await spawned.kill('SIGTERM')).toBe(0);

		const secrets = [ownerToken, editor.token, viewer.token, guess, feedToken, rotatedToken, createToken];
		const logText = spawned.logs.map((line) => JSON.stringify(line)).join('\n');
		expect(spawned.logs.length).toBeGreaterThan(3);
		const files = await storedText(dataDir);
		expect(files.join('')).toContain('Secrets'); // the database was written and is readable as bytes
		for (const secret of secrets) {
			expect(logText).not.toContain(secret);
			for (const bytes of files) expect(bytes).not.toContain(secret);
		}
	});
});
