// Registers the service worker that lets the app open offline (kit's own registration is off so the
// app decides when). Safe to call more than once; a browser without service workers just works online.
import { dev } from '$app/environment';

let registration: Promise<ServiceWorkerRegistration | null> | null = null;

export function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
	registration ??=
		typeof navigator === 'undefined' || !('serviceWorker' in navigator)
			? Promise.resolve(null)
			: // During `vite dev` the worker is served as an ES module.
				navigator.serviceWorker.register('/service-worker.js', { type: dev ? 'module' : 'classic' }).catch(() => null);
	return registration;
}
