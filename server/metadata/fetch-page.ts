// Fetches a page for its details, carefully: http(s) only, public addresses only (checked on the
// address DNS gave, which is the one connected to), a few redirects each checked again, a deadline
// for the whole exchange, and at most `maxBytes` read (what came so far is parsed).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './addresses.ts';

export interface FetchOptions {
	timeoutMs: number;
	maxBytes: number;
	maxRedirects: number;
	/** Allow private, loopback and link-local addresses (the operator's choice). */
	allowPrivate: boolean;
	/** Which resolved addresses may be connected to; default: public ones, or any with `allowPrivate`. */
	isAllowedAddress?: (address: string) => boolean;
}

export interface FetchedPage {
	/** The address that answered, after redirects. */
	url: string;
	status: number;
	contentType: string;
	body: string;
	/** The page was longer than `maxBytes`; `body` is its beginning. */
	truncated: boolean;
}

/** Why a page could not be read, in words for the member, with the HTTP status the relay answers. */
export class PageFetchError extends Error {
	constructor(
		readonly status: 400 | 403 | 422 | 502 | 504,
		message: string
	) {
		super(message);
	}
}

const PRIVATE_REFUSED = 'The relay does not read pages on private or local network addresses.';
const USER_AGENT = 'Mozilla/5.0 (compatible; Commonplace page details)';

/** A DNS lookup that refuses names resolving to addresses that are not public. */
function guardedLookup(isAllowed: (address: string) => boolean): LookupFunction {
	return (hostname, options, callback) => {
		dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
			if (error) return callback(error, '', 4);
			const usable = addresses.filter((a) => isAllowed(a.address));
			if (usable.length === 0) {
				const refused = Object.assign(new Error(PRIVATE_REFUSED), { code: 'EPRIVATE' });
				return callback(refused, '', 4);
			}
			if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
			callback(null, usable[0].address, usable[0].family);
		});
	};
}

function allowedAddresses(options: FetchOptions): (address: string) => boolean {
	return options.isAllowedAddress ?? (options.allowPrivate ? () => true : isPublicAddress);
}

function checkTarget(url: URL, isAllowed: (address: string) => boolean): void {
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new PageFetchError(400, 'Only http and https pages can be read.');
	}
	if (url.username || url.password) throw new PageFetchError(400, 'Addresses with a user name or password are not read.');
	const host = url.hostname.replace(/^\[|\]$/g, '');
	// An IP address in the URL is connected to without a lookup, so it is checked here.
	if (isIP(host) && !isAllowed(host)) throw new PageFetchError(403, PRIVATE_REFUSED);
}

function charsetOf(contentType: string, head: Buffer): string {
	const declared = /charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1];
	if (declared) return declared;
	const inPage = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head.subarray(0, 2048).toString('latin1'))?.[1];
	return inPage ?? 'utf-8';
}

function decode(bytes: Buffer, charset: string): string {
	try {
		return new TextDecoder(charset).decode(bytes);
	} catch {
		return new TextDecoder('utf-8').decode(bytes);
	}
}

/** One request, no redirect following; resolves with the response and a function that reads its body. */
function requestOnce(url: URL, options: FetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
	return new Promise((resolve, reject) => {
		const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
		const req = send(url, {
			method: 'GET',
			signal,
			lookup: guardedLookup(allowedAddresses(options)),
			headers: {
				'user-agent': USER_AGENT,
				accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
				'accept-encoding': 'identity'
			}
		});
		req.on('response', resolve);
		req.on('error', reject);
		req.end();
	});
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = (truncated: boolean) => {
			if (done) return;
			done = true;
			resolve({ bytes: Buffer.concat(chunks), truncated });
		};
		res.on('data', (chunk: Buffer) => {
			if (done) return;
			const room = maxBytes - size;
			if (chunk.length >= room) {
				chunks.push(chunk.subarray(0, room));
				size = maxBytes;
				finish(true);
				res.destroy(); // stop downloading the rest
				return;
			}
			chunks.push(chunk);
			size += chunk.length;
		});
		res.on('end', () => finish(false));
		res.on('error', (error) => (done ? undefined : reject(error)));
		res.on('close', () => (done ? undefined : reject(new Error('The page stopped arriving.'))));
	});
}

function failure(error: unknown, signal: AbortSignal, timeoutMs: number): PageFetchError {
	if (error instanceof PageFetchError) return error;
	if (signal.aborted) return new PageFetchError(504, `The page did not answer within ${Math.round(timeoutMs / 1000)} seconds.`);
	const code = (error as { code?: string }).code;
	if (code === 'EPRIVATE') return new PageFetchError(403, PRIVATE_REFUSED);
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new PageFetchError(502, 'There is no web site at this address (its name is unknown).');
	if (code === 'ECONNREFUSED') return new PageFetchError(502, 'The web site refused the connection.');
	return new PageFetchError(502, 'The page could not be read.');
}

export async function fetchPage(address: string, options: FetchOptions): Promise<FetchedPage> {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), options.timeoutMs);
	try {
		let url = new URL(address);
		for (let redirects = 0; ; redirects++) {
			// Every hop is checked again: a public page may redirect to a private address.
			checkTarget(url, allowedAddresses(options));
			const res = await requestOnce(url, options, controller.signal);
			const status = res.statusCode ?? 0;
			const location = res.headers.location;
			if (status >= 300 && status < 400 && location) {
				res.resume();
				res.destroy();
				if (redirects >= options.maxRedirects) {
					throw new PageFetchError(422, `The page redirects more than ${options.maxRedirects} times.`);
				}
				try {
					url = new URL(location, url);
				} catch {
					throw new PageFetchError(422, 'The page redirects to an address that is not valid.');
				}
				continue;
			}
			const contentType = String(res.headers['content-type'] ?? '');
			if (status < 200 || status >= 300) {
				res.destroy();
				throw new PageFetchError(502, `The web site answered with status ${status}.`);
			}
			if (!/^\s*(text\/html|application\/xhtml\+xml)/i.test(contentType) && contentType !== '') {
				res.destroy();
				return { url: url.href, status, contentType, body: '', truncated: false };
			}
			const { bytes, truncated } = await readBody(res, options.maxBytes);
			return { url: url.href, status, contentType, body: decode(bytes, charsetOf(contentType, bytes)), truncated };
		}
	} catch (error) {
		throw failure(error, controller.signal, options.timeoutMs);
	} finally {
		clearTimeout(timer);
	}
}
