// Serves a group's feeds: GET /feeds/<groupId>.rss|.atom|.opml (?tag= ?member= ?limit=), read with the group's feed token,
// with ETag and Last-Modified so feed readers that poll get 304 when nothing changed.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as Y from 'yjs';
import { renderFeed, type FeedFormat } from '../src/lib/interchange/feeds';
import { ModelError } from '../src/lib/model/index';
import type { GroupAuth } from './auth/types';
import { keptUntilChange } from './kept-until-change';

export interface FeedContext {
	auth: GroupAuth;
	loadGroupDoc(groupId: string): Promise<Y.Doc | null>;
	/** Where the app is served, without a trailing slash; links in feeds start with it. */
	publicOrigin: string;
	/** The reader's address as the relay counts it (the forwarded one behind a trusted proxy). */
	remoteAddress: string;
}

interface CachedFeed {
	body: Buffer;
	contentType: string;
	etag: string;
	lastModified: number;
}

const CACHE_ENTRIES_PER_GROUP = 64;

const FEED_PATH = /^\/feeds\/([^/]+)\.(rss|atom|opml)$/;

function sendText(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
	res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
	res.end(message + '\n');
}

/** True when one of the entity tags in an If-None-Match header matches (weak comparison, RFC 9110). */
export function etagMatches(header: string | undefined, etag: string): boolean {
	if (!header) return false;
	const bare = etag.replace(/^W\//, '');
	return header.split(',').some((candidate) => {
		const tag = candidate.trim();
		return tag === '*' || tag.replace(/^W\//, '') === bare;
	});
}

/** Resolves false when the path is not a feed, so the relay can try its other routes. */
export async function handleFeedRequest(
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	ctx: FeedContext
): Promise<boolean> {
	if (!url.pathname.startsWith('/feeds/')) return false;
	const match = FEED_PATH.exec(url.pathname);
	if (!match) {
		sendText(res, 404, 'There is no feed at this address. Feed addresses end in .rss, .atom or .opml.');
		return true;
	}
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		sendText(res, 405, 'Feeds can only be read (GET).', { allow: 'GET, HEAD' });
		return true;
	}
	let groupId: string;
	try {
		groupId = decodeURIComponent(match[1]);
	} catch {
		sendText(res, 400, 'That feed address is malformed.');
		return true;
	}
	const format = match[2] as FeedFormat;
	const token = url.searchParams.get('token');
	const grant = ctx.auth.authorizeFeed(groupId, token, ctx.remoteAddress);
	if (!grant.ok) {
		const message = token
			? grant.message
			: 'This feed needs its feed token: copy the feed link from the group’s page in Commonplace.';
		sendText(res, grant.status, message, grant.status === 401 ? { 'www-authenticate': 'Bearer realm="feeds"' } : {});
		return true;
	}
	const doc = await ctx.loadGroupDoc(groupId);
	if (!doc) {
		sendText(res, 404, 'This group is not on this relay.');
		return true;
	}
	const options = {
		origin: ctx.publicOrigin.replace(/\/+$/, ''),
		groupId,
		tag: url.searchParams.get('tag'),
		member: url.searchParams.get('member'),
		limit: url.searchParams.get('limit'),
		token
	};
	// Only an OPML file carries the token, so only its cache entries depend on it. Rendered feeds
	// are dropped on the group's next change: feed readers poll, and reading a big group on every
	// poll would cost far more than answering from memory.
	const key = `feed:${JSON.stringify([format, options.origin, options.tag, options.member, options.limit, format === 'opml' ? token : null])}`;
	const kept = keptUntilChange(doc);
	let cached = kept.values.get(key) as CachedFeed | undefined;
	if (!cached) {
		let feed;
		try {
			feed = renderFeed(doc, format, options);
		} catch (error) {
			if (error instanceof ModelError) {
				sendText(res, 400, error.message);
				return true;
			}
			throw error;
		}
		const body = Buffer.from(feed.body, 'utf8');
		cached = {
			body,
			contentType: feed.contentType,
			etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`,
			// The group's last change as recorded in it, or as this relay saw it, whichever is later.
			// (An undo, or a writer's wrong clock, still moves the feed's date.)
			lastModified: Math.max(feed.lastModified, kept.changedAt ?? 0)
		};
		if (kept.values.size >= CACHE_ENTRIES_PER_GROUP) kept.values.clear();
		kept.values.set(key, cached);
	}
	const { etag, body } = cached;
	// HTTP dates have one-second precision; round down so If-Modified-Since compares like for like.
	const lastModifiedSeconds = Math.floor(cached.lastModified / 1000);
	const headers: Record<string, string> = {
		etag,
		'last-modified': new Date(lastModifiedSeconds * 1000).toUTCString(),
		// The token is in the address, so shared caches must not keep a copy.
		'cache-control': 'private, no-cache',
		'x-content-type-options': 'nosniff'
	};
	const ifNoneMatch = req.headers['if-none-match'];
	const ifModifiedSince = req.headers['if-modified-since'];
	let notModified = false;
	if (ifNoneMatch !== undefined) {
		notModified = etagMatches(ifNoneMatch, etag);
	} else if (ifModifiedSince) {
		const since = Date.parse(ifModifiedSince);
		notModified = Number.isFinite(since) && lastModifiedSeconds * 1000 <= since;
	}
	if (notModified) {
		res.writeHead(304, headers).end();
		return true;
	}
	res.writeHead(200, { ...headers, 'content-type': cached.contentType, 'content-length': String(body.length) });
	res.end(req.method === 'HEAD' ? undefined : body);
	return true;
}
