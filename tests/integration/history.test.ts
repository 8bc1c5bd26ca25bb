// Item history against a real relay: the relay logs who sent each update, the timeline names who
// changed what, compaction keeps the history, the retention prunes it, and only the group may read it.
import { afterEach, describe, expect, it } from 'vitest';
import { addItem, createGroup, editItem, getItem, setMemberProfile, setTags } from '../../src/lib/model/index';
import type { RelayConfig } from '../../server/config';
import { connectMember, eventually, newToken, runStoredSql, startTestRelay, storedGroupRows, type TestRelay } from '../helpers/relay';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DAY = 86_400_000;

async function relayFor(overrides: Partial<RelayConfig> = {}): Promise<TestRelay> {
	const relay = await startTestRelay(overrides);
	cleanups.push(() => relay.stop());
	return relay;
}

async function call(relay: TestRelay, path: string, token: string | null, init: { method?: string; body?: object } = {}) {
	const res = await fetch(`${relay.url}${path}`, {
		method: init.method ?? 'GET',
		headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
		body: init.body ? JSON.stringify(init.body) : undefined
	});
	return { status: res.status, json: await res.json() };
}

interface Entry {
	id: number;
	by: { name: string; memberId: string | null };
	changes: { kind: string; from?: string; to?: string; added?: string[] }[];
}

/** A group with its owner (Olga) and a joined editor (Ana), each on a live connection. */
async function groupWithTwoMembers(relay: TestRelay) {
	const groupId = `g${newToken().slice(0, 10)}`;
	const ownerToken = newToken();
	const owner = connectMember(relay.wsUrl, groupId, { token: ownerToken, create: true });
	cleanups.push(() => owner.destroy());
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'm-olga' }, { name: 'Readers', member: { name: 'Olga', color: '#224466' } });
	const base = `/api/groups/${groupId}`;
	const invite = (await call(relay, `${base}/invites`, ownerToken, { method: 'POST', body: { role: 'editor', label: 'for Ana' } })).json;
	const anaToken = (await call(relay, `${base}/join`, invite.token, { method: 'POST', body: { name: 'Ana' } })).json.token as string;
	const ana = connectMember(relay.wsUrl, groupId, { token: anaToken });
	cleanups.push(() => ana.destroy());
	await eventually(() => ana.provider.synced);
	const { itemId } = addItem(owner.doc, { memberId: 'm-olga' }, { url: 'https://example.org/essay', title: 'An essay', tags: 'reading' });
	await eventually(() => ana.doc.getMap('items').has(itemId));
	return { groupId, base, ownerToken, owner, anaToken, ana, itemId };
}

async function timeline(relay: TestRelay, path: string, token: string): Promise<Entry[]> {
	const answer = await call(relay, path, token);
	expect(answer.status).toBe(200);
	return answer.json.entries;
}

describe('item history on the relay', () => {
	it('names who changed what, shows the item as it was, and lets viewers read but not strangers', async () => {
		const relay = await relayFor();
		const { base, ownerToken, ana, anaToken, itemId, groupId } = await groupWithTwoMembers(relay);
		// Ana's browser writes her profile under her own member id, as the app does.
		setMemberProfile(ana.doc, { memberId: 'm-ana' }, { name: 'Ana', color: '#aa3300' });
		editItem(ana.doc, { memberId: 'm-ana' }, itemId, { title: 'A better essay' });
		setTags(ana.doc, { memberId: 'm-ana' }, itemId, 'reading, essays');

		const path = `${base}/history/items/${encodeURIComponent(itemId)}`;
		let entries: Entry[] = [];
		await eventually(async () => {
			entries = await timeline(relay, path, ownerToken);
			expect(entries).toHaveLength(2);
		});
		expect(entries[0].by).toEqual({ tokenId: expect.any(String), memberId: 'm-ana', name: 'Ana' });
		expect(entries[0].changes).toEqual([
			{ kind: 'title', from: 'An essay', to: 'A better essay' },
			{ kind: 'tags', added: ['essays'], removed: [] }
		]);
		expect(entries[1].by.name).toBe('Olga');
		expect(entries[1].changes[0].kind).toBe('saved');

		// As it was after Olga saved it.
		const old = await call(relay, `${path}/at/${entries[1].id}`, anaToken);
		expect(old.status).toBe(200);
		expect(old.json.version).toMatchObject({ title: 'An essay', tags: ['reading'] });

		// The group's recent changes list the same entries.
		const feed = await timeline(relay, `${base}/history?limit=1`, anaToken);
		expect(feed.map((e) => e.id)).toEqual([entries[0].id]);

		// A viewer reads it; no token, a wrong token, another group's token are refused, as bad input is.
		const viewerInvite = (await call(relay, `${base}/invites`, ownerToken, { method: 'POST', body: { role: 'viewer' } })).json;
		const viewerToken = (await call(relay, `${base}/join`, viewerInvite.token, { method: 'POST', body: { name: 'Vera' } })).json.token;
		expect((await timeline(relay, path, viewerToken)).length).toBe(2);
		expect((await call(relay, path, null)).status).toBe(401);
		expect((await call(relay, path, newToken())).status).toBe(401);
		const other = await groupWithTwoMembers(relay);
		expect((await call(relay, path.replace(groupId, other.groupId), ownerToken)).status).toBe(401);
		expect((await call(relay, `${base}/history?limit=500`, ownerToken)).status).toBe(400);
		expect((await call(relay, `${path}/at/not-a-number`, ownerToken)).status).toBe(400);
		expect((await call(relay, `${path}/at/99999999`, ownerToken)).status).toBe(404);
		expect((await call(relay, path, ownerToken, { method: 'POST', body: {} })).status).toBe(405);
	});

	it('keeps the history through compactions', async () => {
		// Every update is folded into the snapshot at once.
		const relay = await relayFor({ compactAfterBytes: 1, compactAfterUpdates: 1 });
		const { base, ownerToken, ana, itemId, groupId } = await groupWithTwoMembers(relay);
		for (const title of ['One', 'Two', 'Three']) editItem(ana.doc, { memberId: 'm-ana' }, itemId, { title });
		const path = `${base}/history/items/${encodeURIComponent(itemId)}`;
		await eventually(async () => {
			const entries = await timeline(relay, path, ownerToken);
			expect(entries.map((e) => e.changes[0])).toEqual([
				{ kind: 'title', from: 'An essay', to: 'Three' },
				expect.objectContaining({ kind: 'saved' })
			]);
			// Compacted: the log is (nearly) empty, and the history came from elsewhere.
			expect((await storedGroupRows(relay.dataDir, groupId)).snapshots).toHaveLength(1);
			expect((await storedGroupRows(relay.dataDir, groupId)).updates.length).toBeLessThanOrEqual(1);
		});
	});

	it('prunes history older than HISTORY_DAYS when the group is next compacted', async () => {
		const relay = await relayFor({ compactAfterBytes: 1, compactAfterUpdates: 1, historyDays: 1 });
		const { base, ownerToken, ana, itemId, groupId } = await groupWithTwoMembers(relay);
		const path = `${base}/history/items/${encodeURIComponent(itemId)}`;
		// Wait until compaction has moved every update so far into the history, so the clock below moves them all.
		await eventually(async () => {
			expect(await timeline(relay, path, ownerToken)).toHaveLength(1);
			expect((await storedGroupRows(relay.dataDir, groupId)).updates).toHaveLength(0);
		});
		// Everything kept so far happened three days ago: past the retention, and a day more.
		await runStoredSql(relay.dataDir, [{ sql: 'UPDATE group_history SET at = at - $1 WHERE group_id = $2', params: [3 * DAY, groupId] }]);
		editItem(ana.doc, { memberId: 'm-ana' }, itemId, { title: 'Today' });
		// The next compaction folds the old history into the checkpoint: only today's change is left.
		await eventually(async () => {
			const entries = await timeline(relay, path, ownerToken);
			expect(entries.map((e) => e.changes)).toEqual([[{ kind: 'title', from: 'An essay', to: 'Today' }]]);
		});
		const rows = await storedGroupRows(relay.dataDir, groupId);
		expect(rows.snapshots).toHaveLength(1);
		// Nothing of the group is lost: the live document still has it all.
		expect(getItem((await relay.relay.loadGroupDoc(groupId))!, itemId)).toMatchObject({ title: 'Today', tags: ['reading'] });
	});
});
