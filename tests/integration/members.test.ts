// Invite links and members against a real relay: a single-use link joins one browser only, the
// browser that joined keeps reconnecting, the owner lists members, and role changes and removals
// take effect on live connections at once.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { addItem, createGroup, readAllItems } from '../../src/lib/model/index';
import { connectMember, eventually, newToken, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayFor(): Promise<TestRelay> {
	const relay = await startTestRelay();
	cleanups.push(() => relay.stop());
	return relay;
}

function member(relay: TestRelay, groupId: string, token: string, create = false): TestMember {
	const m = connectMember(relay.wsUrl, groupId, { token, create });
	cleanups.push(() => m.destroy());
	return m;
}

async function call(relay: TestRelay, method: string, path: string, token: string, body?: object) {
	const res = await fetch(`${relay.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const text = await res.text();
	return { status: res.status, json: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : null };
}

/** Opens a raw sync connection; resolves with the socket, or with the HTTP refusal's status and words. */
function upgrade(url: string): Promise<{ ws: WebSocket } | { status: number; message: string }> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.once('open', () => {
			cleanups.push(() => ws.terminate());
			resolve({ ws });
		});
		ws.once('unexpected-response', (_req, res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, message: JSON.parse(text).message }));
		});
		ws.once('error', reject);
	});
}

async function groupOnRelay(relay: TestRelay) {
	const groupId = `g${newToken().slice(0, 10)}`;
	const ownerToken = newToken();
	const owner = member(relay, groupId, ownerToken, true);
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'owner' }, { name: 'Tic&Travail' });
	const base = `/api/groups/${groupId}`;
	return { groupId, ownerToken, owner, base };
}

const USED = 'This invite link has already been used — ask the group’s owner for a new one.';

describe('invite links', () => {
	it('let one browser join with a single-use link, refuse a second in words, and keep the first reconnecting', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, owner, base } = await groupOnRelay(relay);
		const invite = (await call(relay, 'POST', `${base}/invites`, ownerToken, { role: 'editor', label: 'Ana', single: true })).json;
		expect(invite).toMatchObject({ role: 'editor', label: 'Ana', single: true, usedAt: null });

		// Before joining, the link says what it offers.
		expect((await call(relay, 'GET', `${base}/me`, invite.token)).json).toMatchObject({ role: 'editor', kind: 'invite', single: true });
		const joined = await call(relay, 'POST', `${base}/join`, invite.token, { name: 'Ana' });
		expect(joined.status).toBe(201);
		expect(joined.json.token).not.toBe(invite.token);
		const ana = member(relay, groupId, joined.json.token);
		await eventually(() => ana.provider.synced);

		// A second browser with the same link is refused, when it asks, joins, or syncs with it.
		const again = await call(relay, 'GET', `${base}/me`, invite.token);
		expect(again).toMatchObject({ status: 401, json: { error: USED } });
		expect((await call(relay, 'POST', `${base}/join`, invite.token, { name: 'Mallory' })).json).toEqual({ error: USED, closeCode: 4406 });
		const wsBase = relay.url.replace(/^http/, 'ws');
		expect(await upgrade(`${wsBase}/sync/${groupId}?token=${invite.token}`)).toEqual({ status: 401, message: USED });

		// Ana's own browser comes back later with its own token and syncs as before.
		ana.destroy();
		const anaAgain = member(relay, groupId, joined.json.token);
		await eventually(() => anaAgain.provider.synced);
		addItem(anaAgain.doc, { memberId: 'ana' }, { url: 'https://example.org/ana', title: 'From Ana' });
		await eventually(() => readAllItems(owner.doc).some((i) => i.title === 'From Ana'));

		const links = (await call(relay, 'GET', `${base}/invites`, ownerToken)).json;
		expect(links).toEqual([
			expect.objectContaining({ id: invite.id, single: true, usedAt: expect.any(Number), joined: [{ id: joined.json.memberId, name: 'Ana' }] })
		]);
	});

	it('let any number of browsers join with a multi-use link, each as a member of their own', async () => {
		const relay = await relayFor();
		const { ownerToken, base } = await groupOnRelay(relay);
		const invite = (await call(relay, 'POST', `${base}/invites`, ownerToken, { role: 'viewer', label: 'Reading club' })).json;
		expect(invite.single).toBe(false);
		const bo = await call(relay, 'POST', `${base}/join`, invite.token, { name: 'Bo' });
		const cy = await call(relay, 'POST', `${base}/join`, invite.token, { name: 'Cy' });
		expect([bo.status, cy.status]).toEqual([201, 201]);
		const members = (await call(relay, 'GET', `${base}/members`, ownerToken)).json;
		expect(members.map((m: { name: string; role: string }) => `${m.name}:${m.role}`)).toEqual(['Created the group:owner', 'Bo:viewer', 'Cy:viewer']);
		expect(members[2]).toMatchObject({ invite: { id: invite.id, label: 'Reading club', single: false } });
	});
});

describe('members', () => {
	it('are listed for the owner only, with role, last seen and whether they are online', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, base } = await groupOnRelay(relay);
		const invite = (await call(relay, 'POST', `${base}/invites`, ownerToken, { role: 'editor', label: 'Ana', single: true })).json;
		const joined = (await call(relay, 'POST', `${base}/join`, invite.token, { name: 'Ana' })).json;
		expect((await call(relay, 'GET', `${base}/members`, joined.token)).status).toBe(403);
		const ana = member(relay, groupId, joined.token);
		await eventually(() => ana.provider.synced);
		await eventually(async () => {
			const list = (await call(relay, 'GET', `${base}/members`, ownerToken)).json;
			expect(list).toEqual([
				expect.objectContaining({ name: 'Created the group', role: 'owner', online: true }),
				expect.objectContaining({ id: joined.memberId, name: 'Ana', role: 'editor', online: true, lastSeenAt: expect.any(Number), invite: expect.objectContaining({ id: invite.id }) })
			]);
		});
		const mine = (await call(relay, 'GET', `${base}/me`, ownerToken)).json.memberId;
		expect((await call(relay, 'PATCH', `${base}/members/${mine}`, ownerToken, { role: 'viewer' })).status).toBe(400);
		expect((await call(relay, 'PATCH', `${base}/members/${joined.memberId}`, ownerToken, { role: 'boss' })).status).toBe(400);
		expect((await call(relay, 'PATCH', `${base}/members/nobody`, ownerToken, { role: 'viewer' })).status).toBe(404);
		expect((await call(relay, 'PATCH', `${base}/members/${joined.memberId}`, joined.token, { role: 'owner' })).status).toBe(403);
	});

	it('made a viewer can no longer write on the connection they already have open', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, owner, base } = await groupOnRelay(relay);
		const invite = (await call(relay, 'POST', `${base}/invites`, ownerToken, { role: 'editor', label: 'Ana', single: true })).json;
		const joined = (await call(relay, 'POST', `${base}/join`, invite.token, { name: 'Ana' })).json;
		const ana = member(relay, groupId, joined.token);
		await eventually(() => ana.provider.synced);
		addItem(ana.doc, { memberId: 'ana' }, { url: 'https://example.org/before', title: 'Before' });
		await eventually(() => readAllItems(owner.doc).some((i) => i.title === 'Before'));

		const closes: number[] = [];
		ana.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
		const changed = await call(relay, 'PATCH', `${base}/members/${joined.memberId}`, ownerToken, { role: 'viewer' });
		expect(changed).toMatchObject({ status: 200, json: { role: 'viewer' } });
		await eventually(() => closes.length > 0 && ana.provider.synced);
		expect(closes[0]).toBe(4100);

		addItem(ana.doc, { memberId: 'ana' }, { url: 'https://example.org/after', title: 'After' });
		addItem(owner.doc, { memberId: 'owner' }, { url: 'https://example.org/owner', title: 'Owner' });
		// Once Ana holds the owner's later item, her own has reached the relay too (if it ever would).
		await eventually(() => readAllItems(ana.doc).some((i) => i.title === 'Owner'));
		await eventually(async () => {
			const stored = await relay.relay.loadGroupDoc(groupId);
			expect(readAllItems(stored!).map((i) => i.title).sort()).toEqual(['Before', 'Owner']);
		});
		expect(readAllItems(owner.doc).map((i) => i.title).sort()).toEqual(['Before', 'Owner']);
		expect((await call(relay, 'GET', `${base}/me`, joined.token)).json.role).toBe('viewer');
	});

	it('removed are disconnected at once, told why, and cannot come back with their token', async () => {
		const relay = await relayFor();
		const { groupId, ownerToken, owner, base } = await groupOnRelay(relay);
		const invite = (await call(relay, 'POST', `${base}/invites`, ownerToken, { role: 'editor', label: 'Ana', single: true })).json;
		const joined = (await call(relay, 'POST', `${base}/join`, invite.token, { name: 'Ana' })).json;
		const ana = member(relay, groupId, joined.token);
		await eventually(() => ana.provider.synced);
		const closed = new Promise<{ code: number; reason: string }>((resolve) =>
			ana.provider.on('connection-close', (event) => resolve({ code: event?.code ?? 0, reason: event?.reason ?? '' }))
		);
		expect((await call(relay, 'DELETE', `${base}/members/${joined.memberId}`, ownerToken)).status).toBe(204);
		expect(await closed).toEqual({ code: 4405, reason: 'The group\'s owner removed you from this group.' });
		ana.provider.disconnect();
		expect((await call(relay, 'GET', `${base}/me`, joined.token)).status).toBe(401);
		expect((await call(relay, 'DELETE', `${base}/members/${joined.memberId}`, ownerToken)).status).toBe(404);
		expect(owner.provider.wsconnected).toBe(true);
		const members = (await call(relay, 'GET', `${base}/members`, ownerToken)).json;
		expect(members.map((m: { name: string }) => m.name)).toEqual(['Created the group']);
	});
});
