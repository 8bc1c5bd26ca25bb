// The relay API client: sends the token as a bearer header and turns failures into words.
import { describe, expect, it } from 'vitest';
import { relayApi, RelayApiError } from './relay-api';

function fakeFetch(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
	const calls: { url: string; init: RequestInit }[] = [];
	const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
		calls.push({ url: String(input), init: init ?? {} });
		return respond(String(input), init ?? {});
	}) as typeof globalThis.fetch;
	return { fetch, calls };
}

/** A response whose body arrives in `chunks`, declaring `length` bytes. */
function streamed(chunks: Uint8Array[], length: number): Response {
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			for (const chunk of chunks) controller.enqueue(chunk);
			controller.close();
		}
	});
	return new Response(body, { headers: { 'content-length': String(length) } });
}

describe('relayApi', () => {
	it('downloads the whole state, telling how many of the announced bytes have arrived', async () => {
		const bytes = Uint8Array.from({ length: 1_000 }, (_, i) => i % 251);
		const chunks = [bytes.subarray(0, 300), bytes.subarray(300, 700), bytes.subarray(700)];
		const { fetch, calls } = fakeFetch(() => streamed(chunks, bytes.length));
		const heard: [number, number | null][] = [];
		const got = await relayApi('g', 't', { fetch }).state((received, total) => heard.push([received, total]));
		expect(got).toEqual(bytes);
		expect(calls[0].url).toBe('/api/groups/g/state');
		expect(heard).toEqual([
			[0, 1_000],
			[300, 1_000],
			[700, 1_000],
			[1_000, 1_000]
		]);
	});

	it('gives up on a download cut short, and passes a refusal on in the relay’s words', async () => {
		const cut = fakeFetch(() => streamed([new Uint8Array(10)], 20));
		await expect(relayApi('g', 't', { fetch: cut.fetch }).state()).rejects.toMatchObject({ status: 0 });
		const refused = fakeFetch(() => Response.json({ error: 'This invite link has been revoked.', closeCode: 4402 }, { status: 401 }));
		await expect(relayApi('g', 't', { fetch: refused.fetch }).state()).rejects.toMatchObject({ status: 401, closeCode: 4402 });
	});
	it('sends the token as a bearer header to the group’s API', async () => {
		const { fetch, calls } = fakeFetch(() => Response.json({ groupId: 'g 1', role: 'viewer', inviteId: 'i' }));
		const api = relayApi('g 1', 'tok', { origin: 'http://relay.test/', fetch });
		expect(await api.me()).toEqual({ groupId: 'g 1', role: 'viewer', inviteId: 'i' });
		expect(calls[0].url).toBe('http://relay.test/api/groups/g%201/me');
		expect((calls[0].init.headers as Record<string, string>).authorization).toBe('Bearer tok');
	});

	it('posts JSON when creating an invite and deletes to revoke', async () => {
		const { fetch, calls } = fakeFetch((_, init) =>
			init.method === 'DELETE' ? new Response(null, { status: 204 }) : Response.json({ id: 'i1' }, { status: 201 })
		);
		const api = relayApi('g', 't', { fetch });
		await api.createInvite('editor', 'for Ann', true);
		await api.revokeInvite('i/1');
		expect(calls[0]).toMatchObject({ url: '/api/groups/g/invites', init: { method: 'POST', body: '{"role":"editor","label":"for Ann","single":true}' } });
		expect(calls[1]).toMatchObject({ url: '/api/groups/g/invites/i%2F1', init: { method: 'DELETE' } });
	});

	it('joins, changes a member’s role and removes a member at their own addresses', async () => {
		const { fetch, calls } = fakeFetch((_, init) =>
			init.method === 'DELETE' ? new Response(null, { status: 204 }) : Response.json({ token: 'mine', role: 'viewer' })
		);
		const api = relayApi('g', 't', { fetch });
		expect(await api.join('Ana')).toMatchObject({ token: 'mine' });
		await api.setRole('m/1', 'viewer');
		await api.removeMember('m/1');
		expect(calls.map((c) => `${c.init.method} ${c.url} ${c.init.body ?? ''}`)).toEqual([
			'POST /api/groups/g/join {"name":"Ana"}',
			'PATCH /api/groups/g/members/m%2F1 {"role":"viewer"}',
			'DELETE /api/groups/g/members/m%2F1 '
		]);
	});

	it('passes on the relay’s words for a refusal', async () => {
		const { fetch } = fakeFetch(() => Response.json({ error: 'Only the group’s owner can do this.' }, { status: 403 }));
		const error = await relayApi('g', 't', { fetch }).invites().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RelayApiError);
		expect(error).toMatchObject({ status: 403, message: 'Only the group’s owner can do this.', offline: false });
	});

	it('says so in words when the relay answers something else or cannot be reached', async () => {
		const html = fakeFetch(() => new Response('<h1>Bad gateway</h1>', { status: 502 }));
		await expect(relayApi('g', 't', html).feedLinks()).rejects.toThrow(/status 502/);
		const down = fakeFetch(() => {
			throw new TypeError('Failed to fetch');
		});
		const error = await relayApi('g', 't', down).me().catch((e: unknown) => e);
		expect(error).toMatchObject({ status: 0, offline: true, message: expect.stringMatching(/cannot be reached/) });
	});
});
