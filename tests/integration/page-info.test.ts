// The relay reads an added page's details (GET /api/groups/<id>/page-info?url=) from real-shaped
// pages served by a local test server: Open Graph, Twitter cards, a plain <title>, a redirect chain,
// a huge page, a slow page; and it refuses loopback targets unless the operator allows them.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, hasGroup } from '../../src/lib/model/index';
import { fetchPage, PageFetchError } from '../../server/metadata/fetch-page.ts';
import { connectMember, eventually, newToken, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay';

const OPEN_GRAPH = `<!doctype html><html><head>
<meta charset="utf-8">
<title>Rémunérer les amateurs | S.I.Lex</title>
<meta name="description" content="The plain description.">
<meta property="og:title" content="Rémunérer les amateurs &amp; la contribution">
<meta property="og:description" content="Une réflexion sur la contribution créative.">
<meta property="og:site_name" content="S.I.Lex">
<meta property="og:image" content="/images/cover.jpg">
<meta property="og:url" content="https://scinfolex.com/2013/01/04/remunerer-les-amateurs/">
<link rel="apple-touch-icon" href="/touch.png">
<link rel="icon" type="image/png" sizes="32x32" href="/static/favicon-32.png">
<link rel="canonical" href="https://scinfolex.com/2013/01/04/remunerer-les-amateurs/">
</head><body><svg><title>Not the title</title></svg><p>Le texte.</p></body></html>`;

const TWITTER = `<!DOCTYPE html><html><head><title>ignored when a card has one</title>
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="A thread about amateurs">
<meta name="twitter:description" content="Card description">
<meta name="twitter:image" content="https://cdn.example.org/card.png">
<link rel="shortcut icon" href="favicon.ico">
</head><body></body></html>`;

const PLAIN = `<html><head><title>
   Just a   title
</title></head><body>No metadata at all.</body></html>`;

const HUGE_BYTES = 40 * 1024 * 1024;

let pages: Server;
let pagesUrl = '';
let hugeSent = 0;
let hugeClosedEarly = false;
let countedHits = 0;
const slowResponses = new Set<ServerResponse>();

function html(res: ServerResponse, body: string, type = 'text/html; charset=utf-8') {
	res.writeHead(200, { 'content-type': type });
	res.end(body);
}

beforeAll(async () => {
	pages = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://pages').pathname;
		if (path === '/og') return html(res, OPEN_GRAPH);
		if (path === '/twitter/card') return html(res, TWITTER);
		if (path === '/plain') return html(res, PLAIN);
		if (path === '/latin1') return html(res, Buffer.from('<title>Caf\u00e9 cr\u00e8me</title>', 'latin1') as unknown as string, 'text/html; charset=iso-8859-1');
		if (path === '/counted') {
			countedHits++;
			return html(res, '<title>Counted</title>');
		}
		const hop = /^\/hop\/(\d+)$/.exec(path);
		if (hop) {
			const n = Number(hop[1]);
			res.writeHead(n % 2 ? 301 : 302, { location: n > 1 ? `/hop/${n - 1}` : '/plain' });
			return res.end();
		}
		if (path === '/to-private') {
			// A page on an allowed address that sends the reader on to another one.
			res.writeHead(302, { location: `http://127.0.0.2:${(pages.address() as AddressInfo).port}/plain` });
			return res.end();
		}
		if (path === '/to-name') {
			res.writeHead(301, { location: `http://localhost:${(pages.address() as AddressInfo).port}/plain` });
			return res.end();
		}
		if (path === '/forever') {
			res.writeHead(302, { location: '/forever' });
			return res.end();
		}
		if (path === '/pdf') {
			res.writeHead(200, { 'content-type': 'application/pdf' });
			return res.end('%PDF-1.4');
		}
		if (path === '/gone') {
			res.writeHead(404, { 'content-type': 'text/html' });
			return res.end('<title>Not found</title>');
		}
		if (path === '/huge') {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.write('<html><head><title>A very long page</title><meta name="description" content="Long."></head><body>');
			const chunk = Buffer.alloc(64 * 1024, 'x');
			res.on('close', () => {
				if (!res.writableFinished) hugeClosedEarly = true;
			});
			const pump = () => {
				while (hugeSent < HUGE_BYTES) {
					hugeSent += chunk.length;
					if (!res.write(chunk)) return void res.once('drain', pump);
				}
				res.end('</body></html>');
			};
			pump();
			return;
		}
		if (path === '/slow') {
			// Headers and the start of the page, then nothing: the rest never comes.
			slowResponses.add(res);
			res.writeHead(200, { 'content-type': 'text/html' });
			res.write('<html><head>');
			res.on('close', () => slowResponses.delete(res));
			return;
		}
		res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
	pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
});

afterAll(async () => {
	for (const res of slowResponses) res.destroy();
	await new Promise<void>((resolve) => pages.close(() => resolve()));
});

interface Group {
	relay: TestRelay;
	groupId: string;
	ownerToken: string;
	owner: TestMember;
}

async function groupOn(relay: TestRelay): Promise<Group> {
	const groupId = `g${newToken().slice(0, 10)}`;
	const ownerToken = newToken();
	const owner = connectMember(relay.wsUrl, groupId, { token: ownerToken, create: true });
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'ann' }, { name: 'Tic&Travail' });
	await eventually(async () => {
		const doc = await relay.relay.loadGroupDoc(groupId);
		return doc !== null && hasGroup(doc);
	});
	return { relay, groupId, ownerToken, owner };
}

async function pageInfo(group: Group, url: string, token: string | null = group.ownerToken) {
	const res = await fetch(`${group.relay.url}/api/groups/${group.groupId}/page-info?url=${encodeURIComponent(url)}`, {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	});
	return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('page details, with loopback allowed by the operator', () => {
	let relay: TestRelay;
	let group: Group;

	beforeAll(async () => {
		relay = await startTestRelay({ pageInfoAllowPrivate: true, pageInfoTimeoutMs: 2_000, pageInfoMaxBytes: 256 * 1024 });
		group = await groupOn(relay);
	});
	afterAll(async () => {
		group?.owner.destroy();
		await relay?.stop();
	});

	it('reads Open Graph first, resolving addresses against the page', async () => {
		const { status, body } = await pageInfo(group, `${pagesUrl}/og`);
		expect(status).toBe(200);
		expect(body).toEqual({
			url: `${pagesUrl}/og`,
			canonical: 'https://scinfolex.com/2013/01/04/remunerer-les-amateurs/',
			title: 'Rémunérer les amateurs & la contribution',
			description: 'Une réflexion sur la contribution créative.',
			siteName: 'S.I.Lex',
			image: `${pagesUrl}/images/cover.jpg`,
			favicon: `${pagesUrl}/static/favicon-32.png`
		});
	});

	it('reads a Twitter card', async () => {
		const { status, body } = await pageInfo(group, `${pagesUrl}/twitter/card`);
		expect(status).toBe(200);
		expect(body).toMatchObject({
			title: 'A thread about amateurs',
			description: 'Card description',
			image: 'https://cdn.example.org/card.png',
			favicon: `${pagesUrl}/twitter/favicon.ico`,
			siteName: ''
		});
	});

	it('falls back to a plain <title> and the site’s /favicon.ico', async () => {
		const { status, body } = await pageInfo(group, `${pagesUrl}/plain`);
		expect(status).toBe(200);
		expect(body).toMatchObject({ title: 'Just a title', description: '', image: '', favicon: `${pagesUrl}/favicon.ico` });
	});

	it('decodes the page in its declared character set', async () => {
		const { body } = await pageInfo(group, `${pagesUrl}/latin1`);
		expect(body.title).toBe('Café crème');
	});

	it('follows a chain of redirects and reports where it ended', async () => {
		const { status, body } = await pageInfo(group, `${pagesUrl}/hop/4`);
		expect(status).toBe(200);
		expect(body).toMatchObject({ url: `${pagesUrl}/plain`, title: 'Just a title' });
	});

	it('gives up on endless redirects', async () => {
		const { status, body } = await pageInfo(group, `${pagesUrl}/forever`);
		expect(status).toBe(422);
		expect(body.error).toMatch(/redirects more than 5 times/);
	});

	it('reads only the beginning of a huge page and stops downloading it', async () => {
		const { status, body } = await pageInfo(group, `${pagesUrl}/huge`);
		expect(status).toBe(200);
		expect(body).toMatchObject({ title: 'A very long page', description: 'Long.' });
		await eventually(() => hugeClosedEarly);
		expect(hugeSent).toBeLessThan(HUGE_BYTES);
	});

	it('gives up on a page that does not finish in time', async () => {
		const { status, body } = await pageInfo(group, `${pagesUrl}/slow`);
		expect(status).toBe(504);
		expect(body.error).toMatch(/did not answer within 2 seconds/);
		await eventually(() => slowResponses.size === 0);
	});

	it('answers with empty details for what is not a web page, and in words for an error page', async () => {
		expect(await pageInfo(group, `${pagesUrl}/pdf`)).toMatchObject({ status: 200, body: { title: '', url: `${pagesUrl}/pdf` } });
		const gone = await pageInfo(group, `${pagesUrl}/gone`);
		expect(gone.status).toBe(502);
		expect(gone.body.error).toMatch(/status 404/);
	});

	it('keeps what it read for a while, so a page is fetched once', async () => {
		const first = await pageInfo(group, `${pagesUrl}/counted`);
		const second = await pageInfo(group, `${pagesUrl}/counted?utm_source=feed`);
		expect(first.body.title).toBe('Counted');
		expect(second.body).toEqual(first.body);
		expect(countedHits).toBe(1);
	});

	it('answers members who can add items only, and only about web addresses', async () => {
		expect((await pageInfo(group, `${pagesUrl}/og`, null)).status).toBe(401);
		expect((await pageInfo(group, `${pagesUrl}/og`, newToken())).status).toBe(401);
		const viewer = await fetch(`${relay.url}/api/groups/${group.groupId}/invites`, {
			method: 'POST',
			headers: { authorization: `Bearer ${group.ownerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'viewer' })
		}).then((r) => r.json() as Promise<{ token: string }>);
		const asViewer = await pageInfo(group, `${pagesUrl}/og`, viewer.token);
		expect(asViewer.status).toBe(403);
		expect(asViewer.body.error).toMatch(/can add items/);
		for (const bad of ['javascript:alert(1)', 'not a url', 'file:///etc/passwd', '']) {
			const res = await pageInfo(group, bad);
			expect(res.status).toBe(400);
			expect(res.body.error.length).toBeGreaterThan(10);
		}
	});
});

describe('page details, with the default settings', () => {
	let relay: TestRelay;
	let group: Group;

	beforeAll(async () => {
		relay = await startTestRelay();
		group = await groupOn(relay);
	});
	afterAll(async () => {
		group?.owner.destroy();
		await relay?.stop();
	});

	it('refuses loopback and private targets, by address and by name', async () => {
		const before = countedHits;
		const port = new URL(pagesUrl).port;
		for (const url of [`${pagesUrl}/counted`, `http://localhost:${port}/counted`, `http://[::1]:${port}/counted`, `http://[::ffff:127.0.0.1]:${port}/counted`, 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/']) {
			const { status, body } = await pageInfo(group, url);
			expect(status, url).toBe(403);
			expect(body.error).toBe('The relay does not read pages on private or local network addresses.');
		}
		expect(countedHits).toBe(before);
	});
});

describe('fetchPage checks every redirect target again', () => {
	// Here 127.0.0.1 plays a public address, and every other address a private one.
	const options = { timeoutMs: 2_000, maxBytes: 65_536, maxRedirects: 5, allowPrivate: false, isAllowedAddress: (a: string) => a === '127.0.0.1' };

	it('reads a page on an allowed address', async () => {
		const page = await fetchPage(`${pagesUrl}/hop/2`, options);
		expect(page.url).toBe(`${pagesUrl}/plain`);
	});

	it('refuses a redirect to a refused address without connecting to it', async () => {
		const error = await fetchPage(`${pagesUrl}/to-private`, options).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PageFetchError);
		expect((error as PageFetchError).status).toBe(403);
		// The same target reached first hand is refused too, by the same rule.
		const direct = await fetchPage(`http://127.0.0.2:${new URL(pagesUrl).port}/plain`, options).catch((e: unknown) => e);
		expect((direct as PageFetchError).status).toBe(403);
	});

	it('refuses a name that resolves only to refused addresses, after a redirect too', async () => {
		const refuseAll = { ...options, isAllowedAddress: () => false };
		const error = await fetchPage(`http://localhost:${new URL(pagesUrl).port}/plain`, refuseAll).catch((e: unknown) => e);
		expect((error as PageFetchError).status).toBe(403);
		// The first page (an IP address, checked as it is) is allowed; what "localhost" resolves to after its
		// redirect is checked again, and refused.
		const checked: string[] = [];
		const onlyFirst = (a: string) => checked.push(a) === 1;
		const afterRedirect = await fetchPage(`${pagesUrl}/to-name`, { ...options, isAllowedAddress: onlyFirst }).catch((e: unknown) => e);
		expect((afterRedirect as PageFetchError).status).toBe(403);
		expect(checked).toEqual(['127.0.0.1', '127.0.0.1']);
		// Where the name resolves to an allowed address, the redirect is followed.
		const followed = await fetchPage(`${pagesUrl}/to-name`, options);
		expect(followed.url).toBe(`http://localhost:${new URL(pagesUrl).port}/plain`);
	});
});
