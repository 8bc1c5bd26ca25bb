// GET /api/groups/<groupId>/page-info?url=<page>: the page's title, description, site name, preview
// image, icon and canonical address, read by the relay for a member who adds it (an editor or
// owner of the group, by `Authorization: Bearer <token>`). Answers are cached for a while.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RelayConfig } from '../config.ts';
import type { GroupAuth } from '../auth/types.ts';
import type { Logger } from '../log.ts';
import { normalizeUrl, ModelError } from '../../src/lib/model/index';
import { TtlCache } from './cache.ts';
import { fetchPage, PageFetchError } from './fetch-page.ts';
import { parsePageDetails, type PageDetails } from './parse.ts';

const ROUTE = /^\/api\/groups\/([^/]+)\/page-info$/;
const FOUND_TTL_MS = 6 * 60 * 60_000;
const FAILED_TTL_MS = 5 * 60_000;
/** Pages read at the same moment by the whole relay; more wait for a later try (429). */
const MAX_IN_FLIGHT = 8;
const MAX_REDIRECTS = 5;

type Answer = { status: 200; details: PageDetails } | { status: number; error: string };

export interface PageInfoDeps {
	config: Pick<RelayConfig, 'pageInfoAllowPrivate' | 'pageInfoTimeoutMs' | 'pageInfoMaxBytes' | 'pageInfoCacheEntries'>;
	auth: Pick<GroupAuth, 'authorizeSync'>;
	log: Logger;
	/** Headers every response of the relay carries. */
	headers: (req: IncomingMessage) => OutgoingHttpHeaders;
}

function send(res: ServerResponse, headers: OutgoingHttpHeaders, status: number, body: unknown, extra: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		...headers,
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text),
		...extra
	});
	res.end(text);
}

function bearer(req: IncomingMessage): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	return match ? match[1] : null;
}

export function createPageInfoHandler(deps: PageInfoDeps) {
	const { config, auth, log } = deps;
	const cache = new TtlCache<Answer>(config.pageInfoCacheEntries);
	const inFlight = new Map<string, Promise<Answer>>();

	async function read(pageUrl: string): Promise<Answer> {
		try {
			const page = await fetchPage(pageUrl, {
				timeoutMs: config.pageInfoTimeoutMs,
				maxBytes: config.pageInfoMaxBytes,
				maxRedirects: MAX_REDIRECTS,
				allowPrivate: config.pageInfoAllowPrivate
			});
			return { status: 200, details: parsePageDetails(page.body, page.url) };
		} catch (error) {
			if (error instanceof PageFetchError) return { status: error.status, error: error.message };
			log.warn('page details failed', { error: error instanceof Error ? error.message : String(error) });
			return { status: 502, error: 'The page could not be read.' };
		}
	}

	/** Handles the page-info route; resolves false for any other path. */
	return async function handlePageInfo(req: IncomingMessage, res: ServerResponse, url: URL, remoteAddress: string): Promise<boolean> {
		const match = ROUTE.exec(url.pathname);
		if (!match) return false;
		const headers = deps.headers(req);
		if (req.method !== 'GET') {
			send(res, headers, 405, { error: 'Use GET here.' }, { allow: 'GET' });
			return true;
		}
		let groupId: string;
		try {
			groupId = decodeURIComponent(match[1]);
		} catch {
			send(res, headers, 400, { error: 'This group id is not valid.' });
			return true;
		}
		const grant = await auth.authorizeSync({ groupId, token: bearer(req), create: false, createToken: null, remoteAddress });
		if (!grant.ok) {
			if (grant.delayMs) await new Promise((resolve) => setTimeout(resolve, grant.delayMs));
			const extra: Record<string, string> = grant.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
			send(res, headers, grant.status, { error: grant.message }, extra);
			return true;
		}
		if (grant.role === 'viewer') {
			send(res, headers, 403, { error: 'Only members who can add items can have the relay read a page.' });
			return true;
		}
		let pageUrl: string;
		try {
			pageUrl = normalizeUrl(url.searchParams.get('url') ?? '');
		} catch (error) {
			send(res, headers, 400, { error: error instanceof ModelError ? error.message : 'That is not a web address.' });
			return true;
		}

		let answer = cache.get(pageUrl);
		if (!answer) {
			let pending = inFlight.get(pageUrl);
			if (!pending) {
				if (inFlight.size >= MAX_IN_FLIGHT) {
					send(res, headers, 429, { error: 'The relay is reading many pages right now. Try again in a moment.' }, { 'retry-after': '5' });
					return true;
				}
				pending = read(pageUrl).finally(() => inFlight.delete(pageUrl));
				inFlight.set(pageUrl, pending);
			}
			answer = await pending;
			// Refusals by this relay's rules are not cached: they are cheap and the rules may change.
			if (answer.status !== 400 && answer.status !== 403) cache.set(pageUrl, answer, answer.status === 200 ? FOUND_TTL_MS : FAILED_TTL_MS);
		}
		if (answer.status === 200 && 'details' in answer) send(res, headers, 200, answer.details);
		else if ('error' in answer) send(res, headers, answer.status, { error: answer.error });
		return true;
	};
}
