// URL rules: only http(s) pages become items, and one page is one item whatever way its URL is written.
import { ModelError } from './errors';
import { LIMITS } from './text';

const TRACKING_PARAMS = new Set([
	'fbclid',
	'gclid',
	'dclid',
	'gbraid',
	'wbraid',
	'msclkid',
	'mc_cid',
	'mc_eid',
	'igshid',
	'yclid',
	'_hsenc',
	'_hsmi',
	'mkt_tok',
	'oly_anon_id',
	'oly_enc_id',
	'vero_id',
	'ref_src',
	'si'
]);

/** Labels of letters, digits, hyphens and underscores (as parsed: lower-case, IDNs in punycode). */
const HOST_NAME = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.?$/;
const IPV6_HOST = /^\[[0-9a-f:.]+\]$/;

function isTrackingParam(name: string): boolean {
	const lower = name.toLowerCase();
	return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

/** Parses a URL a user typed or pasted, refusing what cannot be a web page. */
export function parseWebUrl(input: string): URL {
	const trimmed = String(input ?? '').trim();
	if (!trimmed) throw new ModelError('invalid-url', 'Enter the address of a web page, like https://example.org/article.');
	if (trimmed.length > LIMITS.url) {
		throw new ModelError('too-long', `That address is longer than ${LIMITS.url} characters; shorten it and try again.`);
	}
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
		throw new ModelError('invalid-url', 'That address contains control characters; paste it again from the browser.');
	}
	const notAnAddress = () =>
		new ModelError('invalid-url', `"${trimmed.slice(0, 80)}" is not a web address. Use one like https://example.org/article.`);
	const schemeGiven = /^[a-z][a-z0-9+.-]*:/i.test(trimmed);
	let url: URL;
	try {
		url = new URL(schemeGiven ? trimmed : `https://${trimmed}`);
	} catch {
		throw notAnAddress();
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ModelError(
			'unsupported-url',
			`Only http and https pages can be saved; "${url.protocol}" links are refused.`
		);
	}
	if (!url.hostname) throw new ModelError('invalid-url', 'That address has no host name.');
	// Browsers differ on what a host may hold (Chromium turns "not a url" into "not%20a%20url"), so
	// the host must be a plain domain name or IP address whatever the parser let through.
	if (!HOST_NAME.test(url.hostname) && !IPV6_HOST.test(url.hostname)) throw notAnAddress();
	// Typed without a scheme, a single word ("hello") is a typo rather than a host on the local network.
	if (!schemeGiven && !url.hostname.includes('.') && !url.hostname.startsWith('[') && url.hostname !== 'localhost') {
		throw notAnAddress();
	}
	return url;
}

/** Fragments that single-page apps route by (`#/inbox`, `#!/post/3`): each one is a different page. */
function isRouteFragment(hash: string): boolean {
	return hash.startsWith('#/') || hash.startsWith('#!');
}

/** The name of one `name=value` part of a query, decoded as a server would read it. */
function paramName(part: string): string {
	const name = part.split('=', 1)[0].replace(/\+/g, ' ');
	try {
		return decodeURIComponent(name);
	} catch {
		return name;
	}
}

function cleanedUrl(input: string): URL {
	const url = parseWebUrl(input);
	if (!isRouteFragment(url.hash)) url.hash = '';
	url.username = '';
	url.password = '';
	if (url.pathname.length > 1 && url.pathname.endsWith('/')) {
		url.pathname = url.pathname.replace(/\/+$/, '') || '/';
	}
	return url;
}

function serialize(url: URL): string {
	let out = url.toString();
	// "https://example.org/" and "https://example.org" are one page.
	if (url.pathname === '/' && !url.search && !url.hash) out = out.replace(/\/$/, '');
	return out;
}

/**
 * The canonical form of a page's URL: lower-case scheme and host (done by URL), no default port, no
 * trailing slash on a path, no tracking parameters, no empty query, and no fragment unless it is an
 * app's route (`#/`, `#!`). The rest of the query is kept byte for byte: `?view` and `?view=`, `%20`
 * and `+` may mean different things to a server.
 */
export function normalizeUrl(input: string): string {
	const url = cleanedUrl(input);
	const parts = url.search.slice(1).split('&');
	const kept = parts.filter((part) => !isTrackingParam(paramName(part)));
	if (kept.length !== parts.length || !url.search.slice(1)) {
		url.search = kept.some(Boolean) ? `?${kept.join('&')}` : '';
	}
	return serialize(url);
}

/**
 * How normalizeUrl wrote a URL before route fragments were kept and queries left as written (it
 * re-encoded the query as a form), or null when that is the same as today. Items saved then are keyed
 * by it, so lookups try it second. A URL with a route fragment has none: the old form dropped the
 * route, which collapsed different pages into one.
 */
export function legacyNormalizeUrl(input: string): string | null {
	const url = cleanedUrl(input);
	if (url.hash) return null;
	const kept = [...url.searchParams].filter(([name]) => !isTrackingParam(name));
	url.search = kept.length ? new URLSearchParams(kept).toString() : '';
	const legacy = serialize(url);
	return legacy === normalizeUrl(input) ? null : legacy;
}

/** A stable 64-bit hash (two 32-bit FNV-1a variants), hex; the same on every peer. */
export function hash64(text: string): string {
	let h1 = 0x811c9dc5;
	let h2 = 0x01000193 ^ 0x5bd1e995;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 0x01000193);
		h2 = Math.imul(h2 ^ c, 0x5bd1e995);
		h2 ^= h2 >>> 15;
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
	h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
	return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** The id of the item for a URL: the same on every peer, so concurrent bookmarks meet. */
export function itemIdForUrl(input: string): string {
	return hash64(normalizeUrl(input));
}

/** The id an item for this URL got from the older normalisation, when it differs (see legacyNormalizeUrl). */
export function legacyItemIdForUrl(input: string): string | null {
	const legacy = legacyNormalizeUrl(input);
	return legacy === null ? null : hash64(legacy);
}

/** The site name a page's URL suggests when none was given: its host without "www.". */
export function siteFromUrl(url: string): string {
	try {
		return new URL(url).hostname.replace(/^www\./, '');
	} catch {
		return '';
	}
}
