// Asks the browser not to evict this app's storage under pressure (once per page).
let requested = false;

export function requestPersistentStorage(): void {
	if (requested || typeof navigator === 'undefined' || !navigator.storage?.persist) return;
	requested = true;
	void navigator.storage.persist().catch(() => {});
}
