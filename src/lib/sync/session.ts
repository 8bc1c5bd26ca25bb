// A group's live connection: its Y.Doc loaded from browser storage first, then kept in sync with the
// relay (y-websocket) and other tabs (BroadcastChannel), with a status in words and presence.
import * as Y from 'yjs';
import { WebsocketProvider, messageSync } from 'y-websocket';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import { messageYjsSyncStep1, messageYjsSyncStep2, writeSyncStep1 } from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { isBookkeeping, isWritable } from '$lib/model';
import type { Profile } from '$lib/storage/types';
import type { UpdateLog } from '$lib/storage/update-log';
import { createIdbUpdateLog } from '$lib/storage/idb-update-log';
import { persistGroup, type GroupPersistence } from '$lib/storage/group-persistence';
import { patchGroup } from '$lib/storage/registry';
import type { GroupSession, Presence, SyncErrorReason, SyncStatus } from './types';
import { refusalFor, STORAGE_MESSAGE, SCHEMA_MESSAGE, type Refusal } from './refusals';
import { jitteredBackoff } from './backoff';
import { registerServiceWorker } from './register-sw';

export interface OpenGroupSessionOptions {
	groupId: string;
	token: string;
	/** This browser made the group offline: ask the relay to register it with `token` as owner's. */
	create?: boolean;
	/** Default: ws(s)://<this host>/sync */
	relayUrl?: string;
	profile: Profile;
	/** Where updates are kept; default IndexedDB. */
	log?: UpdateLog;
}

/** The session's extra surface, beyond the shared GroupSession contract. */
export interface LocalFirstSession extends GroupSession {
	/** Resolves when every change so far is in browser storage. */
	flushed(): Promise<void>;
}

let persistRequested = false;

export function defaultRelayUrl(): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

export function openGroupSession(opts: OpenGroupSessionOptions): LocalFirstSession {
	const { groupId, token, profile } = opts;
	const doc = new Y.Doc({ guid: groupId });
	const awareness = new Awareness(doc);
	let presence: Presence = { memberId: profile.memberId, name: profile.name, color: profile.color };
	awareness.setLocalStateField('member', presence);

	requestPersistentStorage();
	void registerServiceWorker();

	const provider = new WebsocketProvider(opts.relayUrl ?? defaultRelayUrl(), groupId, doc, {
		connect: false,
		awareness,
		params: { token, ...(opts.create ? { create: '1' } : {}) },
		maxBackoffTime: 10_000
	});
	// y-websocket sends one message per transaction, so a burst of small writes (a script, an
	// import in many steps) would trip the relay's message rate limit. Updates made in the same task
	// go out as one merged update instead.
	let outgoing: Uint8Array[] = [];
	const flushOutgoing = () => {
		if (outgoing.length === 0) return;
		const merged = outgoing.length === 1 ? outgoing[0] : Y.mergeUpdates(outgoing);
		outgoing = [];
		provider._updateHandler(merged, null);
	};
	const onDocUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === provider) return; // from the relay or another tab: nothing to pass on
		outgoing.push(update);
		if (outgoing.length === 1) setTimeout(flushOutgoing, 0);
	};
	doc.off('update', provider._updateHandler);
	doc.on('update', onDocUpdate);

	const persistence: GroupPersistence = persistGroup(doc, groupId, opts.log ?? createIdbUpdateLog(), {
		isLocal: (origin) => origin !== provider,
		// "N changes waiting" counts what the member did, not the view counter.
		isBookkeeping
	});

	const listeners = new Set<(status: SyncStatus) => void>();
	let status: SyncStatus = { kind: 'loading' };
	let loadedDone = false;
	let refusal: { reason: SyncErrorReason; message: string } | null = null;
	let destroyed = false;
	let registered = !opts.create;

	const compute = (): SyncStatus => {
		if (!loadedDone) return { kind: 'loading' };
		const pending = persistence.state.waiting;
		if (refusal) return { kind: 'error', ...refusal, pending };
		if (persistence.state.error) {
			return { kind: 'error', reason: 'storage', message: persistence.state.error.message || STORAGE_MESSAGE, pending };
		}
		if (!isWritable(doc)) return { kind: 'error', reason: 'schema', message: SCHEMA_MESSAGE, pending };
		const online = typeof navigator === 'undefined' || navigator.onLine !== false;
		if (provider.wsconnected && online) {
			return provider.synced && pending === 0 ? { kind: 'synced' } : { kind: 'syncing', pending };
		}
		// The first attempt shows as connecting; once one failed, the group is offline until one succeeds.
		if (provider.wsconnecting && online && provider.wsUnsuccessfulReconnects === 0) return { kind: 'connecting', pending };
		return { kind: 'offline', pending };
	};
	const update = () => {
		if (destroyed) return;
		const next = compute();
		if (JSON.stringify(next) === JSON.stringify(status)) return;
		status = next;
		for (const l of listeners) l(status);
	};

	// --- What the relay holds -------------------------------------------------------------------
	// N ("changes waiting") counts local transactions the relay has not confirmed. The relay answers
	// every sync step 1 with a step 2, in order on the one socket, so a step 2 proves it has applied
	// everything this tab sent before the matching step 1. After the initial exchange and after each
	// local change, we send our own step 1 ("probe") and remember the persistence mark it covers.
	// State vectors alone would miss pure deletions (typing Backspace adds no new struct), so we
	// count transactions; they are kept flagged in storage, so a reload still knows what waits.
	let probes: (number | null)[] = [];
	let probeTimer: ReturnType<typeof setTimeout> | null = null;
	// Per connection: the relay asked for what it lacks (so our answer, with every change made
	// offline, is on its way) and answered y-websocket's own step 1 (so we hold what it holds, and
	// a probe's answer is small). Probes wait for both.
	let relayAsked = false;
	let relayAnswered = false;
	const sendProbe = () => {
		probeTimer = null;
		const ws = provider.ws;
		if (!relayAsked || !relayAnswered || !provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return;
		// The probe's mark covers every local change so far, so they must be on the wire before it.
		flushOutgoing();
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		writeSyncStep1(encoder, doc);
		probes.push(persistence.mark());
		ws.send(encoding.toUint8Array(encoder));
	};
	const probeSoon = (delay: number) => {
		// A probe already due is kept, so steady typing still gets confirmed every `delay` ms.
		if (probeTimer && delay > 0) return;
		if (probeTimer) clearTimeout(probeTimer);
		probeTimer = setTimeout(sendProbe, delay);
	};
	const handleSync = provider.messageHandlers[messageSync];
	provider.messageHandlers[messageSync] = (encoder, decoder, p, fromRelay, messageType) => {
		// `fromRelay` is false for messages from other tabs over BroadcastChannel.
		const kind = fromRelay ? decoding.peekVarUint(decoder) : -1;
		handleSync(encoder, decoder, p, fromRelay, messageType);
		if (kind === messageYjsSyncStep2) {
			const mark = probes.shift();
			if (typeof mark === 'number') persistence.confirm(mark);
			else if (mark === null && !relayAnswered) {
				relayAnswered = true;
				if (relayAsked) probeSoon(0);
			}
			update();
		} else if (kind === messageYjsSyncStep1 && !relayAsked) {
			relayAsked = true;
			// Our answer is sent after this handler returns; the probe goes after it.
			if (relayAnswered) probeSoon(0);
		}
	};
	provider.on('status', ({ status: s }) => {
		// y-websocket sends its own step 1 right after 'connected'; its answer confirms nothing of ours.
		if (s === 'connected') {
			probes = [null];
			relayAsked = false;
			relayAnswered = false;
		}
		update();
	});
	provider.on('sync', (synced) => {
		if (synced && !registered) {
			registered = true;
			provider.params = { token };
			void patchGroup(groupId, { unregistered: false }).catch(() => {});
		}
		update();
	});
	provider.on('connection-close', (event) => {
		probes = [];
		// Jitter every reconnect so a restarted relay is not hit by all its clients at once.
		provider.maxBackoffTime = jitteredBackoff(provider.wsUnsuccessfulReconnects + 1);
		if (event) {
			const found = refusalFor(event.code, event.reason);
			if (found) refusal = found;
		}
		update();
	});
	// The relay refuses bad tokens with an HTTP status before the WebSocket opens, which browsers
	// hide (the socket just closes). After repeated failures while the relay is reachable, ask its
	// API with the same token what is wrong, once per failure streak.
	let diagnosing = false;
	provider.on('connection-close', (event) => {
		const neverOpened = !event || event.code === 1006;
		if (!neverOpened || refusal || diagnosing || provider.wsUnsuccessfulReconnects < 2) return;
		if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
		diagnosing = true;
		void diagnoseRefusal(provider.url, groupId, token, !registered).then((found) => {
			if (destroyed) return;
			if (found) {
				refusal = found;
				provider.disconnect();
				if (found.reason === 'rate-limited') retryLater();
				update();
			} else {
				// Try again after the next streak of failures.
				setTimeout(() => (diagnosing = false), 30_000);
			}
		});
	});
	provider.on('closed', ({ code }) => {
		// Rate limiting is temporary: try again after a while instead of giving up.
		if (code === 4429) retryLater();
	});
	function retryLater() {
		setTimeout(() => {
			if (destroyed || refusal?.reason !== 'rate-limited') return;
			refusal = null;
			diagnosing = false;
			provider.connect();
			update();
		}, 30_000 + Math.random() * 30_000);
	}
	const unsubscribePersistence = persistence.subscribe((s) => {
		if (s.waiting > 0 && provider.wsconnected) probeSoon(300);
		update();
	});

	const onOnline = () => {
		provider.wsUnsuccessfulReconnects = 0;
		if (!refusal || refusal.reason === 'rate-limited') {
			refusal = null;
			provider.connect();
		}
		update();
	};
	const onPageHide = () => removeAwarenessStates(awareness, [doc.clientID], 'page closed');
	if (typeof window !== 'undefined') {
		window.addEventListener('online', onOnline);
		window.addEventListener('offline', update);
		window.addEventListener('pagehide', onPageHide);
	}

	// Storage first, network second: the group is on screen before the relay answers.
	const loaded = persistence.loaded.then(
		() => undefined,
		() => undefined // shown as a storage error; the doc still works in memory
	);
	void loaded.then(() => {
		// Lets anyone measure how long opening a group from storage takes (DevTools, benchmarks).
		globalThis.performance?.mark?.('commonplace:group-loaded', { detail: { groupId } });
		loadedDone = true;
		if (!destroyed) provider.connect();
		update();
	});

	return {
		groupId,
		doc,
		awareness,
		loaded,
		get status() {
			return status;
		},
		subscribe(listener) {
			listeners.add(listener);
			listener(status);
			return () => listeners.delete(listener);
		},
		setPresence(patch) {
			presence = { ...presence, ...patch, memberId: profile.memberId };
			awareness.setLocalStateField('member', presence);
		},
		flushed: () => persistence.flushed(),
		destroy() {
			if (destroyed) return;
			destroyed = true;
			if (probeTimer) clearTimeout(probeTimer);
			if (typeof window !== 'undefined') {
				window.removeEventListener('online', onOnline);
				window.removeEventListener('offline', update);
				window.removeEventListener('pagehide', onPageHide);
			}
			flushOutgoing();
			doc.off('update', onDocUpdate);
			removeAwarenessStates(awareness, [doc.clientID], 'session closed');
			unsubscribePersistence();
			provider.destroy();
			persistence.destroy();
			awareness.destroy();
			listeners.clear();
			// The doc is left to the garbage collector rather than destroyed: pending storage writes
			// still read the updates they hold.
		}
	};
}

/** What the relay's API says about this token, as a refusal; null when it accepts it or cannot be asked. */
async function diagnoseRefusal(socketUrl: string, groupId: string, token: string, creating: boolean): Promise<Refusal | null> {
	const base = new URL(socketUrl.replace(/^ws/, 'http'));
	const url = new URL(`api/groups/${encodeURIComponent(groupId)}/me`, base.origin + base.pathname.replace(/sync\/[^/]*$/, ''));
	let response: Response;
	try {
		response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
	} catch {
		return null; // unreachable: simply offline
	}
	if (response.ok) return null;
	const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
	const said = typeof body?.error === 'string' ? body.error : '';
	if (creating && response.status === 401) {
		// The group is not on the relay yet, so the API cannot know this token; the relay refused to create it.
		return { reason: 'forbidden', message: 'The relay did not accept this new group. It may need a creation token; ask its operator.' };
	}
	const known = refusalFor(response.status + 4000, said);
	return known ? { ...known, message: said || known.message } : null;
}

/** Asks the browser not to evict this app's storage under pressure (once per page). */
function requestPersistentStorage(): void {
	if (persistRequested || typeof navigator === 'undefined' || !navigator.storage?.persist) return;
	persistRequested = true;
	void navigator.storage.persist().catch(() => {});
}
