// Access decisions against a real SQLite file and a real PostgreSQL schema: creation, roles,
// revocation, feed tokens, limits; and new groups written elsewhere, which their connections wait for.
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tokenBackendNames, useTokenBackend } from '../../tests/helpers/token-backends.ts';
import { GroupAccess } from './access';
import type { AuthConfig } from './config';
import { TokenStore, writeNewGroup, type GroupRegistrar } from './store';
import { hashToken, newToken } from './tokens';
import type { SyncRequest, SyncVerdict } from './types';

describe.each(tokenBackendNames)('on %s', (backendName) => {
	const backend = useTokenBackend(backendName);

	/** A known token, or none: decided at once. */
	function sync(access: GroupAccess, patch: Partial<SyncRequest> & { token: string | null }): SyncVerdict {
		const verdict = access.authorizeSync({ groupId: 'g1', create: false, createToken: null, remoteAddress: '10.0.0.1', ...patch });
		if (verdict instanceof Promise) throw new Error('A connection without create was not decided at once.');
		return verdict;
	}

	/** A connection with create: a new group's is decided once the group is stored. */
	function create(access: GroupAccess, patch: Partial<SyncRequest> & { token: string | null }): Promise<SyncVerdict> {
		return Promise.resolve(access.authorizeSync({ groupId: 'g1', createToken: null, remoteAddress: '10.0.0.1', ...patch, create: true }));
	}

	function makeAccess(config: AuthConfig = { host: '127.0.0.1' }) {
		return new GroupAccess(backend.source(), config);
	}

	describe('creating a group', () => {
		it('registers the first connection with create as the owner, and accepts it again afterwards', async () => {
			const access = makeAccess();
			const owner = newToken();
			const first = await create(access, { token: owner });
			expect(first).toMatchObject({ ok: true, role: 'owner', created: true });
			expect(await create(access, { token: owner })).toMatchObject({ ok: true, role: 'owner', created: false });
			expect(sync(access, { token: owner })).toMatchObject({ ok: true, role: 'owner', created: false });
		});

		it('refuses a second creation with another token and changes nothing', async () => {
			const access = makeAccess();
			const owner = newToken();
			await create(access, { token: owner });
			const before = access.listInvites('g1');
			const intruder = newToken();
			expect(await create(access, { token: intruder })).toMatchObject({ ok: false, status: 403, closeCode: 4403 });
			expect(access.listInvites('g1')).toEqual(before);
			expect(sync(access, { token: intruder })).toMatchObject({ ok: false, closeCode: 4401 });
		});

		it('refuses to make another group\'s token the owner of a new group', async () => {
			const access = makeAccess();
			const owner = newToken();
			await create(access, { token: owner });
			expect(await create(access, { groupId: 'g2', token: owner })).toMatchObject({ ok: false, status: 400, closeCode: 4400 });
			expect(access.store.group('g2')).toBeNull();
			expect(sync(access, { token: owner })).toMatchObject({ ok: true, role: 'owner' });
		});

		it('refuses to create with a weak token', async () => {
			const access = makeAccess();
			expect(await create(access, { token: 'short' })).toMatchObject({ ok: false, closeCode: 4400 });
			expect(access.store.group('g1')).toBeNull();
		});

		it('follows the relay’s creation rule when it is public', async () => {
			const access = makeAccess({ host: '127.0.0.2', publicBind: true, createToken: 'the-relays-creation-token' });
			expect(await create(access, { token: newToken() })).toMatchObject({ ok: false, status: 403, reason: 'creation-forbidden' });
			expect(await create(access, { token: newToken(), createToken: 'wrong' })).toMatchObject({ ok: false, status: 403 });
			expect(access.store.group('g1')).toBeNull();
			expect(await create(access, { token: newToken(), createToken: 'the-relays-creation-token' })).toMatchObject({
				ok: true,
				created: true
			});
		});

		it('never registers a group for a connection without create', async () => {
			const access = makeAccess();
			expect(sync(access, { token: newToken() })).toMatchObject({ ok: false, status: 401, reason: 'bad-token' });
			expect(access.store.group('g1')).toBeNull();
		});
	});

	describe('tokens of a group', () => {
		it('grant their role in their own group only', async () => {
			const access = makeAccess();
			await create(access, { token: newToken() });
			await create(access, { groupId: 'g2', token: newToken() });
			const editor = access.createInvite('g1', 'editor', 'for Ann');
			const viewer = access.createInvite('g1', 'viewer', '');
			expect(sync(access, { token: editor.token })).toMatchObject({ ok: true, role: 'editor', tokenId: editor.record.id });
			expect(sync(access, { token: viewer.token })).toMatchObject({ ok: true, role: 'viewer' });
			expect(sync(access, { groupId: 'g2', token: editor.token })).toMatchObject({ ok: false, status: 401 });
		});

		it('say in words whether a token is missing, unknown or revoked', async () => {
			const access = makeAccess();
			await create(access, { token: newToken() });
			const editor = access.createInvite('g1', 'editor', '');
			const closed: [string, string | null][] = [];
			access.onRevoke((groupId, tokenId) => closed.push([groupId, tokenId]));
			expect(access.revoke('g1', editor.record.id)).toBe(true);
			expect(closed).toEqual([['g1', editor.record.id]]);
			expect(access.revoke('g1', editor.record.id)).toBe(false);

			const revoked = sync(access, { token: editor.token });
			const unknown = sync(access, { token: newToken() });
			const missing = sync(access, { token: null });
			for (const refusal of [revoked, unknown, missing]) expect(refusal).toMatchObject({ ok: false, status: 401 });
			expect([revoked, unknown, missing].map((r) => !r.ok && r.closeCode)).toEqual([4402, 4401, 4401]);
			expect(revoked).toMatchObject({ reason: 'revoked', message: expect.stringMatching(/revoked/) });
			expect(unknown).toMatchObject({ reason: 'bad-token', message: expect.not.stringMatching(/revoked/) });
			expect(missing).toMatchObject({ reason: 'missing-token' });
		});

		it('are stored only as hashes', async () => {
			const access = makeAccess();
			const owner = newToken();
			await create(access, { token: owner });
			const invite = access.createInvite('g1', 'viewer', '');
			const feed = access.feedToken('g1')!;
			const bytes = backend.storedText();
			for (const token of [owner, invite.token, feed]) expect(bytes).not.toContain(token);
		});
	});

	describe('the feed token', () => {
		it('reads feeds, cannot sync, and stops working once rotated', async () => {
			const access = makeAccess();
			await create(access, { token: newToken() });
			const feed = access.feedToken('g1')!;
			expect(access.authorizeFeed('g1', feed, 'x')).toEqual({ ok: true });
			expect(sync(access, { token: feed })).toMatchObject({ ok: false, status: 403, closeCode: 4403, reason: 'feed-token' });
			const next = access.rotateFeedToken('g1');
			expect(next).not.toBe(feed);
			expect(access.feedToken('g1')).toBe(next);
			expect(access.authorizeFeed('g1', feed, 'x')).toMatchObject({ ok: false, status: 401, reason: 'revoked' });
			expect(access.authorizeFeed('g1', next, 'x')).toEqual({ ok: true });
			expect(access.authorizeFeed('g1', null, 'x')).toMatchObject({ ok: false, status: 401 });
		});

		it('survives a restart of the relay (the secret is kept)', async () => {
			const feed = await (async () => {
				const access = makeAccess();
				await create(access, { token: newToken() });
				return access.feedToken('g1');
			})();
			expect(makeAccess().feedToken('g1')).toBe(feed);
		});
	});

	describe('bad tokens from one address', () => {
		it('are slowed, then refused for a while, while good tokens and other addresses carry on', async () => {
			const access = makeAccess({ host: '127.0.0.1', badTokenSlowAfter: 2, badTokenLimit: 5, badTokenBlockMs: 60_000 });
			const owner = newToken();
			await create(access, { token: owner, remoteAddress: '10.0.0.9' });
			const refusals = Array.from({ length: 5 }, () => sync(access, { token: newToken(), remoteAddress: '10.0.0.66' }));
			expect(refusals.every((r) => !r.ok && r.status === 401)).toBe(true);
			expect(refusals[0]).not.toHaveProperty('delayMs');
			expect(refusals[3]).toHaveProperty('delayMs');
			// Blocked now for bad tokens; a good token from the same address still gets in.
			expect(sync(access, { token: newToken(), remoteAddress: '10.0.0.66' })).toMatchObject({ ok: false, status: 429, closeCode: 4429 });
			expect(access.authorizeFeed('g1', newToken(), '10.0.0.66')).toMatchObject({ status: 429 });
			expect(sync(access, { token: owner, remoteAddress: '10.0.0.66' })).toMatchObject({ ok: true });
			expect(access.authorizeFeed('g1', access.feedToken('g1'), '10.0.0.66')).toMatchObject({ ok: true });
			expect(sync(access, { token: owner, remoteAddress: '10.0.0.9' })).toMatchObject({ ok: true });
		});

		it('do not count revoked tokens of reconnecting members', async () => {
			const access = makeAccess({ host: '127.0.0.1', badTokenLimit: 3 });
			await create(access, { token: newToken() });
			const editor = access.createInvite('g1', 'editor', '');
			access.revoke('g1', editor.record.id);
			for (let i = 0; i < 10; i++) expect(sync(access, { token: editor.token })).toMatchObject({ reason: 'revoked' });
		});
	});

	describe('revocations made by another process', () => {
		it('reach this relay’s listeners when it polls, once each', async () => {
			const relay = makeAccess();
			await create(relay, { token: newToken() });
			const editor = relay.createInvite('g1', 'editor', '');
			const told: (string | null)[] = [];
			relay.onRevoke((_, tokenId) => told.push(tokenId));

			const other = backend.another();
			try {
				expect(new GroupAccess(other.source, { host: '127.0.0.1' }).revoke('g1', editor.record.id)).toBe(true);
			} finally {
				other.close();
			}
			expect(told).toEqual([]);
			relay.pollRevocations();
			relay.pollRevocations();
			expect(told).toEqual([editor.record.id]);
		});
	});

	describe('deleting a group', () => {
		it('removes its tokens and feed token, tells the listeners, and refuses the id for good in words', async () => {
			const access = makeAccess();
			const owner = newToken();
			await create(access, { token: owner });
			const editor = access.createInvite('g1', 'editor', '');
			const feed = access.feedToken('g1')!;
			await create(access, { groupId: 'g2', token: newToken() });
			const told: [string, string | null][] = [];
			access.onRevoke((groupId, tokenId) => told.push([groupId, tokenId]));

			expect(access.deleteGroup('g1')).toBe(true);
			expect(told).toEqual([['g1', null]]);
			expect(access.store.group('g1')).toBeNull();
			expect(access.listInvites('g1')).toEqual([]);
			expect(access.store.deletedAt('g1')).toEqual(expect.any(Number));
			for (const token of [owner, editor.token, newToken()]) {
				expect(sync(access, { token })).toMatchObject({ ok: false, status: 410, closeCode: 4410, reason: 'group-deleted' });
				// Nobody registers the id again, not even a browser still holding the group and its owner token.
				expect(await create(access, { token })).toMatchObject({ ok: false, reason: 'group-deleted' });
			}
			expect(access.authenticate('g1', owner, '10.0.0.1')).toMatchObject({ status: 410, message: expect.stringMatching(/deleted by its owner/) });
			expect(access.authorizeFeed('g1', feed, '10.0.0.1')).toMatchObject({ status: 410 });
			expect(() => access.registerGroup('g1', null)).toThrow(/deleted/);
			expect(access.deleteGroup('g1')).toBe(false);
			// Other groups are untouched, and the refused attempts were not counted as guesses.
			expect(access.store.group('g2')).not.toBeNull();
			const guess = sync(access, { groupId: 'g2', token: newToken() });
			expect(guess).toMatchObject({ ok: false, reason: 'bad-token' });
			expect(guess).not.toHaveProperty('delayMs');
		});
	});
});

describe('new groups written elsewhere (the SQLite relay’s writer thread)', () => {
	const backend = useTokenBackend('sqlite');

	/** A registrar that writes on the same file but only when the test says so, as a slow disk would. */
	function slowRegistrar() {
		const waiting: (() => void)[] = [];
		const registrar: GroupRegistrar = (registration) =>
			new Promise((resolve) => waiting.push(() => resolve(writeNewGroup(backend.source() as Database.Database, registration))));
		return { registrar, writeAll: () => waiting.splice(0).forEach((write) => write()) };
	}

	const request = (patch: Partial<SyncRequest> & { token: string }): SyncRequest => ({ groupId: 'g1', create: true, createToken: null, remoteAddress: '10.0.0.1', ...patch });

	it('lets the first connection in only once the group is written; others of the group wait and are decided on what is stored', async () => {
		const { registrar, writeAll } = slowRegistrar();
		const access = new GroupAccess(backend.source(), { host: '127.0.0.1' }, registrar);
		const owner = newToken();
		const first = access.authorizeSync(request({ token: owner }));
		const again = access.authorizeSync(request({ token: owner }));
		const intruder = access.authorizeSync(request({ token: newToken() }));
		const guess = access.authorizeSync(request({ token: newToken(), create: false }));
		for (const verdict of [first, again, intruder, guess]) expect(verdict).toBeInstanceOf(Promise);
		await new Promise((resolve) => setTimeout(resolve, 20));
		// Nothing is decided, and nothing is stored, before the registration is written.
		expect(access.store.group('g1')).toBeNull();
		writeAll();
		expect(await first).toMatchObject({ ok: true, role: 'owner', created: true });
		expect(await again).toMatchObject({ ok: true, role: 'owner', created: false });
		expect(await intruder).toMatchObject({ ok: false, status: 403, closeCode: 4403, reason: 'group-exists' });
		expect(await guess).toMatchObject({ ok: false, status: 401, closeCode: 4401, reason: 'bad-token' });
		expect(access.store.activeTokens('g1')).toHaveLength(1);
		// Known tokens are decided at once again.
		expect(access.authorizeSync(request({ token: owner, create: false }))).toMatchObject({ ok: true, created: false });
	});

	it('refuses a registration that lost to another process, as a creation of an existing group', async () => {
		const elsewhere = new TokenStore(backend.source() as Database.Database);
		const registrar: GroupRegistrar = async () => {
			elsewhere.createGroup('g1', hashToken(newToken()));
			return false;
		};
		const access = new GroupAccess(backend.source(), { host: '127.0.0.1' }, registrar);
		expect(await access.authorizeSync(request({ token: newToken() }))).toMatchObject({ ok: false, status: 403, reason: 'group-exists' });
	});

	it('refuses the connection when the registration could not be written, and registers the group on the next try', async () => {
		let failing = true;
		const registrar: GroupRegistrar = async (registration) => {
			if (failing) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
			return writeNewGroup(backend.source() as Database.Database, registration);
		};
		const access = new GroupAccess(backend.source(), { host: '127.0.0.1' }, registrar);
		const owner = newToken();
		await expect(access.authorizeSync(request({ token: owner }))).rejects.toMatchObject({ code: 'SQLITE_FULL' });
		expect(access.store.group('g1')).toBeNull();
		failing = false;
		expect(await access.authorizeSync(request({ token: owner }))).toMatchObject({ ok: true, created: true });
	});
});
