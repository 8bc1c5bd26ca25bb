// What a device that holds nothing of a group reads before it connects, against a real relay on
// SQLite: the group's cover (its first page and counts, as this member reads the group) and its
// whole state as a download of a known size; refused exactly as a connection would be.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, addNote, createGroup, readAllItems, readCover, setHidden, type GroupCover } from '../../src/lib/model/index';
import { connectMember, eventually, newToken, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayFor(dataDir?: string): Promise<TestRelay> {
	const relay = await startTestRelay({ maxUpdateBytes: 64 * 1024 * 1024, ...(dataDir ? { dataDir } : {}) });
	cleanups.push(() => relay.stop());
	return relay;
}

function member(relay: TestRelay, groupId: string, options: { token: string; create?: boolean; doc?: Y.Doc }): TestMember {
	const m = connectMember(relay.wsUrl, groupId, options);
	cleanups.push(() => m.destroy());
	return m;
}

async function get(relay: TestRelay, path: string, token?: string): Promise<Response> {
	return fetch(`${relay.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function call(relay: TestRelay, method: string, path: string, token: string, body?: object) {
	const res = await fetch(`${relay.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	return res.status === 204 ? null : res.json();
}

const owner = { memberId: 'ann' };

/** A group of a few items on the relay, one of whose notes an owner hid. */
async function groupOnRelay(relay: TestRelay) {
	const groupId = `g${newToken().slice(0, 10)}`;
	const ownerToken = newToken();
	const doc = new Y.Doc({ guid: groupId });
	createGroup(doc, owner, { name: 'Tic&Travail', member: { name: 'Ann', color: '#3366cc' } });
	let clock = Date.UTC(2025, 0, 1);
	const dated = { ...owner, now: () => (clock += 1_000) };
	for (let i = 0; i < 30; i++) addItem(doc, dated, { url: `https://example.org/${i}`, title: `Page ${i}`, tags: i % 3 === 0 ? ['amateur'] : ['travail'] });
	const { itemId } = addItem(doc, dated, { url: 'https://example.org/newest', title: 'The newest page' });
	const noteId = addNote(doc, owner, itemId, { text: 'A word the owner took back' });
	setHidden(doc, owner, { kind: 'note', id: noteId }, true);
	const creator = member(relay, groupId, { token: ownerToken, create: true, doc });
	await eventually(async () => {
		const stored = await relay.relay.loadGroupDoc(groupId);
		return stored !== null && readAllItems(stored).length === 31;
	});
	const base = `/api/groups/${groupId}`;
	const invite = async (role: string) => (await call(relay, 'POST', `${base}/invites`, ownerToken, { role })) as { id: string; token: string };
	return { groupId, ownerToken, doc, creator, base, invite, itemId };
}

describe('a group read over HTTP before connecting', () => {
	it('gives its cover as each member reads the group: what owners hid is a placeholder for the others', async () => {
		const relay = await relayFor();
		const { base, ownerToken, doc, invite, itemId } = await groupOnRelay(relay);
		const viewer = await invite('viewer');
		const editor = await invite('editor');

		const asOwner = (await (await get(relay, `${base}/cover`, ownerToken)).json()) as GroupCover;
		expect(asOwner).toEqual(JSON.parse(JSON.stringify(readCover(doc, { owner: true }))));
		expect(asOwner.info.name).toBe('Tic&Travail');
		expect(asOwner.liveItemCount).toBe(31);
		expect(asOwner.tagCounts).toEqual([
			{ tag: 'travail', count: 20 },
			{ tag: 'amateur', count: 10 }
		]);
		expect(asOwner.newest[0].title).toBe('The newest page');
		expect(asOwner.newest[0].notes[0].text).toBe('A word the owner took back');

		for (const token of [viewer.token, editor.token]) {
			const res = await get(relay, `${base}/cover`, token);
			expect(res.status).toBe(200);
			const cover = (await res.json()) as GroupCover;
			expect(cover.newest[0].id).toBe(itemId);
			expect(cover.newest[0].notes[0].text).toBe('');
			expect(JSON.stringify(cover)).not.toContain('took back');
		}

		// Asked again after a change, it holds the change: what the relay read is kept only until then.
		addItem(doc, owner, { url: 'https://example.org/later', title: 'Added later' });
		const newest = async (token: string) => ((await (await get(relay, `${base}/cover`, token)).json()) as GroupCover).newest[0].title;
		await eventually(async () => (await newest(viewer.token)) === 'Added later');
		expect(await newest(ownerToken)).toBe('Added later');
	});

	it('gives its whole state as a download of a known size, to a viewer too, holding what the relay holds', async () => {
		const relay = await relayFor();
		const { base, doc, invite } = await groupOnRelay(relay);
		const viewer = await invite('viewer');
		const res = await get(relay, `${base}/state`, viewer.token);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, bytes);
		expect(readAllItems(copy)).toEqual(readAllItems(doc));
		// A member who starts from it and connects gets only what changed since, and keeps syncing.
		const late = member(relay, doc.guid, { token: viewer.token, doc: copy });
		await eventually(() => late.provider.synced);
		addItem(doc, owner, { url: 'https://example.org/after', title: 'After the download' });
		await eventually(() => readAllItems(copy).some((item) => item.title === 'After the download'));
		// A second download holds it too.
		const again = new Y.Doc();
		Y.applyUpdate(again, new Uint8Array(await (await get(relay, `${base}/state`, viewer.token)).arrayBuffer()));
		expect(readAllItems(again).map((item) => item.title)).toContain('After the download');
	});

	it('refuses exactly as a connection would: no token, a wrong one, the feed token, a revoked link, a deleted group (and so do the export, the history and the feed links)', async () => {
		const relay = await relayFor();
		const { base, ownerToken, invite } = await groupOnRelay(relay);
		const feed = (await call(relay, 'GET', `${base}/feed`, ownerToken)) as { rss: string };
		const feedToken = new URL(feed.rss, relay.url).searchParams.get('token')!;
		const revoked = await invite('editor');
		await call(relay, 'DELETE', `${base}/invites/${revoked.id}`, ownerToken);
		const single = (await call(relay, 'POST', `${base}/invites`, ownerToken, { role: 'editor', single: true })) as { token: string };

		for (const path of ['cover', 'state', 'export', 'history', 'feed']) {
			const refusal = async (token?: string) => {
				const res = await get(relay, `${base}/${path}`, token);
				return { status: res.status, ...((await res.json()) as { error: string; closeCode?: number }) };
			};
			expect(await refusal()).toMatchObject({ status: 401, closeCode: 4401 });
			expect(await refusal(newToken())).toMatchObject({ status: 401, closeCode: 4401 });
			expect(await refusal(feedToken)).toMatchObject({ status: 403, closeCode: 4403 });
			expect(await refusal(revoked.token)).toMatchObject({ status: 401, closeCode: 4402 });
			// A single-use link opens the group only once exchanged for the member's own token.
			expect(await refusal(single.token)).toMatchObject({ status: 403, closeCode: 4407 });
			const wrongMethod = await fetch(`${relay.url}${base}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${ownerToken}` } });
			expect(wrongMethod.status).toBe(405);
		}
		// Once exchanged, the link's member reads all of it.
		const joined = (await call(relay, 'POST', `${base}/join`, single.token, { name: 'Ana' })) as { token: string };
		for (const path of ['cover', 'state', 'export', 'history', 'feed']) expect((await get(relay, `${base}/${path}`, joined.token)).status).toBe(200);
		await call(relay, 'DELETE', base, ownerToken);
		for (const path of ['cover', 'state', 'export', 'history', 'feed']) {
			const res = await get(relay, `${base}/${path}`, ownerToken);
			expect(res.status).toBe(410);
			expect(((await res.json()) as { closeCode: number }).closeCode).toBe(4410);
		}
	});

	it('on a just-started relay loads the room for the member about to connect, who then gets only what it lacks', async () => {
		const first = await startTestRelay({ maxUpdateBytes: 64 * 1024 * 1024 });
		const dataDir = first.dataDir;
		const groupId = `g${newToken().slice(0, 10)}`;
		const token = newToken();
		const doc = new Y.Doc({ guid: groupId });
		createGroup(doc, owner, { name: 'Big on restart' });
		doc.transact(() => {
			for (let i = 0; i < 3_000; i++) addItem(doc, owner, { url: `https://example.org/${i}`, title: `Page ${i} `.repeat(8), description: `Words ${i} `.repeat(10) });
		}, owner);
		expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(1 << 20);
		const builder = connectMember(first.wsUrl, groupId, { token, create: true, doc });
		await eventually(async () => readAllItems((await first.relay.loadGroupDoc(groupId))!).length === 3_000, 20_000);
		builder.destroy();
		await first.relay.close();

		cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
		const metric = async (relay: TestRelay, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${relay.url}/metrics`)).text())?.[1] ?? 0);

		let relay = await startTestRelay({ dataDir, maxUpdateBytes: 64 * 1024 * 1024 });
		const cover = (await (await get(relay, `/api/groups/${groupId}/cover`, token)).json()) as GroupCover;
		expect(cover.liveItemCount).toBe(3_000);
		const copy = new Y.Doc({ guid: groupId });
		Y.applyUpdate(copy, new Uint8Array(await (await get(relay, `/api/groups/${groupId}/state`, token)).arrayBuffer()));
		expect(readAllItems(copy).length).toBe(3_000);
		const reader = connectMember(relay.wsUrl, groupId, { token, doc: copy });
		await eventually(() => reader.provider.synced, 20_000);
		// The room the cover loaded is the one the connection found: loaded once, nothing sent from storage.
		expect(await metric(relay, 'relay_room_loads_total')).toBe(1);
		expect(await metric(relay, 'relay_sync_answers_from_storage_total')).toBe(0);
		reader.provider.destroy();
		await relay.relay.close();

		// A member that holds the group and connects while the room loads waits for it and gets only
		// what it lacks; the whole group from storage is for a member that holds nothing.
		relay = await relayFor(dataDir);
		const holder = member(relay, groupId, { token, doc: copy });
		const empty = member(relay, groupId, { token });
		await eventually(() => holder.provider.synced && readAllItems(empty.doc).length === 3_000, 20_000);
		expect(await metric(relay, 'relay_sync_answers_from_storage_total')).toBe(1);
	});
});
