// The group page's first screen as it was last drawn (its header and first page of items, sanitised
// markup), kept in Cache Storage so the service worker can answer the group's address with it already
// in the page: the first items show with the first HTML, before the app's scripts run. The app
// replaces it as soon as it draws the page itself. Only a shortcut: losing it costs time, never data.

/** What is kept for one group. */
export interface CoverMarkup {
	/** Bumped when the shape changes; another is ignored. */
	version: 1;
	/** The build that drew it: its class names and stylesheets belong to that build only. */
	appVersion: string;
	groupId: string;
	/** Sanitised markup of the group's header and first page, with no ids and no scripts. */
	html: string;
	/** The build's stylesheets the markup needs (its components' CSS), as paths of this origin. */
	stylesheets: string[];
}

/** Cache Storage's name for them; the service worker keeps it when it clears an old build's cache. */
export const COVER_MARKUP_CACHE = 'commonplace-cover-markup';

/** Larger markup is not kept (a first page is tens of kilobytes). */
export const MAX_COVER_MARKUP_CHARS = 1_000_000;

/** The element the service worker wraps the markup in; the app removes it when it draws the page. */
export const COVER_MARKUP_ELEMENT_ID = 'cover-markup';

/** The address of a group's items page, the only address the markup is shown at. */
export function groupPagePath(groupId: string): string {
	return `/g/${encodeURIComponent(groupId)}`;
}

/** The group whose items page `pathname` is, unfiltered (`/g/<id>` or `/g/<id>/`), or null. */
export function groupOfItemsPage(pathname: string): string | null {
	const match = /^\/g\/([^/]+)\/?$/.exec(pathname);
	if (!match) return null;
	try {
		return decodeURIComponent(match[1]);
	} catch {
		return null;
	}
}

export function isCoverMarkup(value: unknown): value is CoverMarkup {
	const markup = value as CoverMarkup;
	return (
		typeof value === 'object' &&
		value !== null &&
		markup.version === 1 &&
		typeof markup.appVersion === 'string' &&
		typeof markup.groupId === 'string' &&
		typeof markup.html === 'string' &&
		markup.html.length <= MAX_COVER_MARKUP_CHARS &&
		Array.isArray(markup.stylesheets) &&
		markup.stylesheets.every((href) => typeof href === 'string')
	);
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The app's shell with `markup` shown in it, or null when the markup must not be shown there: kept
 * for another group or by another build, or needing a stylesheet the build does not have. The markup
 * goes first in the body, inert (no focus, no clicks, not read out: the live page that replaces it
 * is), and the shell's own scripts are left as they are.
 */
export function shellWithCoverMarkup(
	shell: string,
	markup: unknown,
	expected: { groupId: string; appVersion: string; isAsset: (path: string) => boolean }
): string | null {
	if (!isCoverMarkup(markup) || markup.groupId !== expected.groupId || markup.appVersion !== expected.appVersion) return null;
	if (!markup.stylesheets.every((href) => href.startsWith('/') && !href.startsWith('//') && expected.isAsset(href))) return null;
	// Sanitised when kept; checked again here, as the page's own scripts must be the only ones.
	if (/<(script|body|head|html|meta|base|iframe|object|embed)\b|<\/(body|html)\b/i.test(markup.html)) return null;
	const headEnd = shell.indexOf('</head>');
	const bodyStart = /<body[^>]*>/.exec(shell);
	if (headEnd < 0 || !bodyStart || bodyStart.index < headEnd) return null;
	const links = markup.stylesheets.map((href) => `<link href="${escapeAttribute(href)}" rel="stylesheet">`).join('');
	const bodyOpen = bodyStart.index + bodyStart[0].length;
	const shown = `<div id="${COVER_MARKUP_ELEMENT_ID}" data-group="${escapeAttribute(markup.groupId)}" inert aria-busy="true">${markup.html}</div>`;
	return shell.slice(0, headEnd) + links + shell.slice(headEnd, bodyOpen) + shown + shell.slice(bodyOpen);
}

const cacheRequest = (groupId: string) => new Request(new URL(groupPagePath(groupId), globalThis.location?.origin ?? 'http://localhost').href);

/** Keeps `markup` for its group (replacing what was kept). Never throws: a failure keeps none. */
export async function saveCoverMarkup(markup: CoverMarkup): Promise<void> {
	try {
		if (typeof caches === 'undefined' || markup.html.length > MAX_COVER_MARKUP_CHARS) return;
		const cache = await caches.open(COVER_MARKUP_CACHE);
		await cache.put(cacheRequest(markup.groupId), new Response(JSON.stringify(markup), { headers: { 'content-type': 'application/json' } }));
	} catch {
		// Storage full or unavailable: the page opens without it.
	}
}

/** The markup kept for `groupId`, or null (none, unreadable, or no Cache Storage). */
export async function loadCoverMarkup(groupId: string): Promise<CoverMarkup | null> {
	try {
		if (typeof caches === 'undefined') return null;
		const response = await (await caches.open(COVER_MARKUP_CACHE)).match(cacheRequest(groupId));
		const markup: unknown = response ? await response.json() : null;
		return isCoverMarkup(markup) ? markup : null;
	} catch {
		return null;
	}
}

/** Forgets the markup of `groupId` (the group is removed from this browser, or refused by the relay). */
export async function removeCoverMarkup(groupId: string): Promise<void> {
	try {
		if (typeof caches === 'undefined') return;
		await (await caches.open(COVER_MARKUP_CACHE)).delete(cacheRequest(groupId));
	} catch {
		// Nothing kept, or storage unavailable.
	}
}
