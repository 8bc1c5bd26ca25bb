// The relay around the sync itself: idle rooms unload and load again, viewers cannot write, revoked
// tokens are cut off, the app is served with its headers, and SIGTERM shuts down cleanly.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { backupDatabase } from '../../server/backup.ts';
import { createSqliteStore, openDatabase } from '../../server/persistence/sqlite.ts';
import { addItem, createGroup, randomId, readAllItems, readGroup } from '../../src/lib/model/index.ts';
import { connectMember, eventually, newToken, relayMode, spawnRelay, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayFor(overrides: Parameters<typeof startTestRelay>[0] = {}): Promise<TestRelay> {
	const relay = await startTestRelay(overrides);
	cleanups.push(() => relay.stop());
	return relay;
}

function member(relay: TestRelay, groupId: string, token: string, create = false): TestMember {
	const m = connectMember(relay.wsUrl, groupId, { token, create });
	cleanups.push(() => m.destroy());
	return m;
}

function metric(text: string, name: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	return line ? Number(line.split(' ')[1]) : Number.NaN;
}

describe('relay lifecycle', () => {
	it('unloads an idle room and loads it again from storage', async () => {
		const relay = await relayFor({ roomIdleMs: 500 });
		const metrics = async () => (await fetch(`${relay.url}/metrics`)).text();
		const groupId = randomId();
		const token = newToken();

		const alice = connectMember(relay.wsUrl, groupId, { token, create: true });
		await eventually(() => alice.provider.synced);
		createGroup(alice.doc, { memberId: 'alice' }, { name: 'Idle readers' });
		addItem(alice.doc, { memberId: 'alice' }, { url: 'https://example.org/idle', title: 'Kept while idle' });
		const expected = JSON.stringify(readGroup(alice.doc));
		expect(metric(await metrics(), 'relay_rooms_loaded')).toBe(1);
		alice.destroy();
		await eventually(() => relay.relay.connectionCount === 0, 10_000, 5);
		expect(relay.relay.roomsLoaded).toBe(1);
		await eventually(() => relay.relay.roomsLoaded === 0, 10_000, 5);

		await eventually(async () => {
			const text = await metrics();
			expect(metric(text, 'relay_rooms_loaded')).toBe(0);
			expect(metric(text, 'relay_room_unloads_total')).toBe(1);
		});

		// Not loaded, yet readable from storage; then a member loads the room again.
		const fromStorage = await relay.relay.loadGroupDoc(groupId);
		expect(fromStorage && readAllItems(fromStorage).map((i) => i.title)).toEqual(['Kept while idle']);
		expect(await relay.relay.loadGroupDoc(randomId())).toBe(null);
		const bob = member(relay, groupId, token);
		await eventually(() => expect(JSON.stringify(readGroup(bob.doc))).toBe(expected));
		expect(metric(await metrics(), 'relay_rooms_loaded')).toBe(1);
		expect(metric(await metrics(), 'relay_room_loads_total')).toBe(2);
	});

	it('drops what a viewer sends of the document and closes revoked tokens with 4402', async () => {
		const relay = await relayFor();
		const groupId = randomId();
		const ownerToken = newToken();
		const owner = member(relay, groupId, ownerToken, true);
		await eventually(() => owner.provider.synced);
		createGroup(owner.doc, { memberId: 'owner' }, { name: 'Read only for some' });

		const invite = async (role: string) => {
			const res = await fetch(`${relay.url}/api/groups/${groupId}/invites`, {
				method: 'POST',
				headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ role, label: role })
			});
			expect(res.status).toBeLessThan(300);
			return (await res.json()) as { id: string; token: string };
		};
		const viewerInvite = await invite('viewer');
		const viewer = member(relay, groupId, viewerInvite.token);
		await eventually(() => expect(readGroup(viewer.doc).info.name).toBe('Read only for some'));
		addItem(viewer.doc, { memberId: 'viewer' }, { url: 'https://example.org/sneaky', title: 'Should not spread' });
		addItem(owner.doc, { memberId: 'owner' }, { url: 'https://example.org/real', title: 'Real' });
		await eventually(() => readAllItems(viewer.doc).length === 2);
		const stored = await relay.relay.loadGroupDoc(groupId);
		expect(readAllItems(stored!).map((i) => i.title)).toEqual(['Real']);
		expect(readAllItems(owner.doc).map((i) => i.title)).toEqual(['Real']);

		// Revoking the viewer's invite closes its live connection with 4402; the owner stays.
		const editorInvite = await invite('editor');
		const editor = new WebSocket(`${relay.wsUrl}/${groupId}?token=${editorInvite.token}`);
		cleanups.push(() => editor.terminate());
		const editorClosed = new Promise<number>((resolve) => editor.once('close', (code) => resolve(code)));
		await new Promise((resolve) => editor.once('open', resolve));
		const closed: number[] = [];
		viewer.provider.on('connection-close', (event) => closed.push(event?.code ?? 0));
		const revoked = await fetch(`${relay.url}/api/groups/${groupId}/invites/${editorInvite.id}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${ownerToken}` }
		});
		expect(revoked.status).toBe(204);
		expect(await editorClosed).toBe(4402);
		expect(closed).toEqual([]);
		expect(owner.provider.wsconnected).toBe(true);
	});

	it('serves the app with the SPA fallback, cache headers and a CSP that admits its inline script', async () => {
		const staticDir = mkdtempSync(join(tmpdir(), 'commonplace-static-'));
		cleanups.push(() => rmSync(staticDir, { recursive: true, force: true }));
		const bootstrap = '\n\t\t\tconsole.log("start");\n\t\t';
		writeFileSync(join(staticDir, 'index.html'), `<!doctype html><html><head><script type="module" src="/_app/immutable/app.js"></script></head><body><div><script>${bootstrap}</script></div></body></html>`);
		mkdirSync(join(staticDir, '_app', 'immutable'), { recursive: true });
		writeFileSync(join(staticDir, '_app', 'immutable', 'app.abc123.js'), 'export {};');
		writeFileSync(join(staticDir, 'service-worker.js'), 'self.addEventListener("fetch", () => {});');
		const relay = await relayFor({ staticDir });

		const page = await fetch(`${relay.url}/g/some-group/i/some-item`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('console.log("start")');
		const csp = page.headers.get('content-security-policy') ?? '';
		const hash = createHash('sha256').update(bootstrap).digest('base64');
		expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
		expect(csp).toContain("worker-src 'self'");
		expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${relay.port} wss://127.0.0.1:${relay.port}`);
		expect(csp).not.toContain('unsafe-eval');
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		expect(page.headers.get('referrer-policy')).toBe('no-referrer');
		expect(page.headers.get('cache-control')).toBe('no-cache');

		const asset = await fetch(`${relay.url}/_app/immutable/app.abc123.js`);
		expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(asset.headers.get('content-type')).toContain('text/javascript');
		expect((await fetch(`${relay.url}/service-worker.js`)).headers.get('cache-control')).toBe('no-cache');
		expect((await fetch(`${relay.url}/_app/immutable/missing.js`)).status).toBe(404);
		expect((await fetch(`${relay.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);

		const health = await fetch(`${relay.url}/healthz`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({ status: 'ok' });
		const metrics = await fetch(`${relay.url}/metrics`);
		expect(metrics.headers.get('content-type')).toContain('text/plain');
		const text = await metrics.text();
		for (const name of ['relay_connections', 'relay_rooms_loaded', 'relay_updates_in_total', 'relay_bytes_in_total', 'relay_bytes_out_total', 'relay_refusals_total', 'relay_persistence_write_seconds']) {
			expect(text).toContain(`# TYPE ${name} `);
		}
	});

	it('on SIGTERM closes connections with 1001, keeps what was stored, and exits 0', async () => {
		const relay = await spawnRelay();
		cleanups.push(() => rmSync(relay.dataDir, { recursive: true, force: true }));
		cleanups.push(() => relay.kill('SIGKILL'));
		const groupId = randomId();
		const token = newToken();
		const alice = connectMember(relay.wsUrl, groupId, { token, create: true });
		cleanups.push(() => alice.destroy());
		await eventually(() => alice.provider.synced);
		createGroup(alice.doc, { memberId: 'alice' }, { name: 'Shut down gently' });
		const closes: number[] = [];
		alice.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
		const raw = new WebSocket(`${relay.wsUrl}/${groupId}?token=${token}`);
		const rawClosed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)));
		await new Promise((resolve) => raw.once('open', resolve));

		expect(await relay.kill('SIGTERM')).toBe(0);
		expect(await rawClosed).toBe(1001);
		await eventually(() => expect(closes[0]).toBe(1001));
		alice.provider.disconnect();

		const again = await spawnRelay({ dataDir: relay.dataDir });
		cleanups.push(() => again.stop());
		const bob = connectMember(again.wsUrl, groupId, { token });
		cleanups.push(() => bob.destroy());
		await eventually(() => expect(readGroup(bob.doc).info.name).toBe('Shut down gently'));
	});

	it('drops a peer that stops answering pings, and refuses a group past its size limit with 4413', async () => {
		const relay = await relayFor({ heartbeatMs: 100, maxDocumentBytes: 4_096 });
		const groupId = randomId();
		const token = newToken();
		const alice = member(relay, groupId, token, true);
		await eventually(() => alice.provider.synced);

		const silent = new WebSocket(`${relay.wsUrl}/${groupId}?token=${token}`);
		cleanups.push(() => silent.terminate());
		silent.on('error', () => {});
		await new Promise((resolve) => silent.once('open', resolve));
		// A paused socket reads nothing, so it never answers a ping: a peer gone dead.
		(silent as unknown as { _socket: { pause(): void } })._socket.pause();
		await eventually(() => relay.relay.connectionCount === 1);
		expect(metric(await (await fetch(`${relay.url}/metrics`)).text(), 'relay_refusals_total{reason="heartbeat-timeout"}')).toBe(1);
		expect(alice.provider.wsconnected).toBe(true);

		const closes: number[] = [];
		alice.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
		alice.doc.getText('big').insert(0, 'x'.repeat(8_000));
		await eventually(() => expect(closes).toEqual([4413]));
		expect((await relay.relay.loadGroupDoc(groupId))?.getText('big').length ?? 0).toBe(0);
	});

	it('--demo starts with the sample group and prints an owner link that opens it', async () => {
		const relay = await spawnRelay({ demo: true });
		cleanups.push(() => relay.stop());
		await relay.waitForLog((line) => line.msg === 'sample group created');
		await eventually(() => /#[A-Za-z0-9_-]{22,}/.test(relay.stderr()));
		const [, groupId, token] = /\/join\/([A-Za-z0-9_-]+)#([A-Za-z0-9_-]+)/.exec(relay.stderr())!;
		expect(relay.logs.some((line) => JSON.stringify(line).includes(token))).toBe(false);
		const owner = connectMember(relay.wsUrl, groupId, { token });
		cleanups.push(() => owner.destroy());
		await eventually(() => expect(readAllItems(owner.doc)).toHaveLength(10));
		expect(readGroup(owner.doc).info.name).toBe('Tic&Travail');
	});

	// SQLite only: the SQLite online backup API itself. A cluster's backup (pg_dump, while its relays
	// run) is made and restored by the backup tests of relay-hardening and auth-api in both modes.
	if (relayMode === 'single') {
		it('backs up the database while the relay runs, and the copy holds the group', async () => {
			const relay = await relayFor();
			const groupId = randomId();
			const token = newToken();
			const alice = member(relay, groupId, token, true);
			await eventually(() => alice.provider.synced);
			createGroup(alice.doc, { memberId: 'alice' }, { name: 'Backed up' });
			addItem(alice.doc, { memberId: 'alice' }, { url: 'https://example.org/safe', title: 'Safe' });
			await eventually(async () => expect(readAllItems((await relay.relay.loadGroupDoc(groupId))!)).toHaveLength(1));

			const backupDir = mkdtempSync(join(tmpdir(), 'commonplace-backup-'));
			cleanups.push(() => rmSync(backupDir, { recursive: true, force: true }));
			const { file } = await backupDatabase(relay.dataDir, join(backupDir, 'commonplace.sqlite'));
			expect(file).toBe(join(backupDir, 'commonplace.sqlite'));
			await expect(backupDatabase(relay.dataDir, join(relay.dataDir, 'commonplace.sqlite'))).rejects.toThrow(/another file/);

			const copy = openDatabase(backupDir);
			try {
				const stored = await createSqliteStore(copy).load(groupId);
				const doc = new Y.Doc();
				for (const update of stored!.updates) Y.applyUpdate(doc, update);
				expect(readGroup(doc).info.name).toBe('Backed up');
				expect(readAllItems(doc).map((i) => i.title)).toEqual(['Safe']);
			} finally {
				copy.close();
			}
		});
	}
});
