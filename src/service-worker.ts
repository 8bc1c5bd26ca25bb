// Precaches this version of the app so it opens with no network: assets from the cache, and the
// app's pages (home, any group or item URL, a join link) from the cached app shell at once, with no
// round trip to the network, so a page opens as fast offline as online; a group's items page comes
// with its first screen as last drawn (storage/cover-markup.ts) until the app draws it. A new build
// is picked up by the browser's update check of this worker. Sync, API and feed requests are never
// cached: they always go to the relay.
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import { COVER_MARKUP_CACHE, groupOfItemsPage, loadCoverMarkup, shellWithCoverMarkup } from '$lib/storage/cover-markup';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `commonplace-${version}`;
// The SPA fallback page: the relay answers "/" with it, and every route renders from it.
const SHELL = '/';
const ASSETS = new Set([...build, ...files]);
const NEVER_CACHED = ['/sync', '/api/', '/feeds/', '/healthz', '/metrics'];
/** Addresses the app itself renders; any other navigation goes to the relay first. */
const isAppPage = (pathname: string) => pathname === '/' || pathname.startsWith('/g/') || pathname.startsWith('/join/');

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll([SHELL, ...ASSETS]);
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			// The kept first screens stay: each names its build, and another build's is never shown.
			for (const key of await caches.keys()) if (key !== CACHE && key !== COVER_MARKUP_CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	if (NEVER_CACHED.some((prefix) => url.pathname === prefix || url.pathname.startsWith(prefix))) return;

	if (ASSETS.has(url.pathname)) {
		event.respondWith(fromCacheFirst(request));
	} else if (request.mode === 'navigate') {
		event.respondWith(isAppPage(url.pathname) ? shellFirst(request, url) : pageOrShell(request));
	}
});

async function fromCacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	return (await cache.match(request, { ignoreSearch: true })) ?? fetch(request);
}

// The shell from the cache (with the group's first screen on its items page); the network only
// when the cache has no shell (the worker is still installing).
async function shellFirst(request: Request, url: URL): Promise<Response> {
	const shell = await (await caches.open(CACHE)).match(SHELL);
	if (!shell) return pageOrShell(request);
	const groupId = url.search ? null : groupOfItemsPage(url.pathname);
	if (!groupId) return shell;
	const [html, markup] = await Promise.all([shell.clone().text(), loadCoverMarkup(groupId)]);
	const shown = markup && shellWithCoverMarkup(html, markup, { groupId, appVersion: version, isAsset: (path) => ASSETS.has(path) });
	if (!shown) return shell;
	// The shell's own headers (its Content-Security-Policy admits only its bootstrap script).
	const headers = new Headers(shell.headers);
	headers.delete('content-length');
	return new Response(shown, { status: shell.status, statusText: shell.statusText, headers });
}

// The network first so a newer relay's pages win; the shell when there is no network.
async function pageOrShell(request: Request): Promise<Response> {
	try {
		const response = await fetch(request);
		if (response.status < 500) return response;
		throw new Error(`relay answered ${response.status}`);
	} catch (error) {
		const shell = await (await caches.open(CACHE)).match(SHELL);
		if (shell) return shell;
		throw error;
	}
}
