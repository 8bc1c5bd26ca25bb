// Registers the service worker that lets the app open offline (kit's own registration is off so
// development builds never cache). Safe to call more than once.
import { dev } from '$app/environment';

let registration: Promise<ServiceWorkerRegistration | null> | null = null;

export function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
	registration ??=
		dev || typeof navigator === 'undefined' || !('serviceWorker' in navigator)
			? Promise.resolve(null)
			: navigator.serviceWorker.register('/service-worker.js').catch(() => null);
	return registration;
}
