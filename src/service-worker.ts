// Precaches this version of the app so it opens with no network: assets from the cache, and every
// page (any group or item URL) from the cached app shell when the network fails. Sync, API and feed
// requests are never cached: they always go to the relay.
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `commonplace-${version}`;
// The SPA fallback page: the relay answers "/" with it, and every route renders from it.
const SHELL = '/';
const ASSETS = new Set([...build, ...files]);
const NEVER_CACHED = ['/sync', '/api/', '/feeds/', '/healthz', '/metrics'];

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
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
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
		event.respondWith(pageOrShell(request));
	}
});

async function fromCacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	return (await cache.match(request, { ignoreSearch: true })) ?? fetch(request);
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
