// A group's live session, composed of parts with one job each: the Y.Doc loaded from browser storage
// first (storage/group-persistence; downloaded from the relay on a device that holds nothing of it),
// then kept in step with this browser's other tabs (tab-channel) and the relay (relay-connection),
// local changes confirmed (confirmations), a status in words (status), and presence.
import * as Y from 'yjs';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import { isBookkeeping, isWritable } from '$lib/model';
import { CloseCode } from '$lib/rules';
import { relayApi, RelayApiError } from '$lib/api/relay-api';
import type { Profile } from '$lib/storage/types';
import type { UpdateLog } from '$lib/storage/update-log';
import { createIdbUpdateLog } from '$lib/storage/idb-update-log';
import { persistGroup } from '$lib/storage/group-persistence';
import { createWorkerCompactor, createWorkerLoader, createWorkerSlicer, SLICE_ABOVE_BYTES, yieldToPage } from '$lib/storage/slice-updates';
import type { GroupSession, LoadProgress, Presence, SyncStatus } from './types';
import { RelayConnection, type OpenSocket } from './relay-connection';
import { joinTabs, type TabChannel } from './tab-channel';
import { confirmChanges } from './confirmations';
import { computeStatus, sameStatus } from './status';
import { refusalFor, type Refusal } from './refusals';

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
	/** How sockets are opened; default the browser's WebSocket. */
	openSocket?: OpenSocket;
	/** Called once the relay has accepted this browser's creation of the group. */
	onRegistered?: () => void;
	/** Reading the group from storage waits for this (the page shows the group's cover first). */
	loadAfter?: Promise<unknown>;
	/**
	 * What the relay's API answered, once `loadAfter` has resolved, when it was already asked with this
	 * token (for the group's cover) and refused it: the session then neither downloads the group nor
	 * connects, and says why at once, instead of asking again with a token the relay counts as bad.
	 */
	refusedBefore?: () => unknown;
}

/** The session's extra surface, beyond the shared GroupSession contract. */
export interface LocalFirstSession extends GroupSession {
	/** Resolves when every change so far is in browser storage. */
	flushed(): Promise<void>;
}

export function defaultRelayUrl(): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

/** The relay's HTTP origin for a socket address; '' for this page's own. */
function apiOrigin(relayUrl: string | undefined): string {
	if (!relayUrl) return '';
	return new URL(relayUrl.replace(/^ws/, 'http')).origin;
}

/** Changes from the relay above this size are applied in slices. */
const RELAY_SLICE_ABOVE_BYTES = 64 * 1024;

const browserOnline = () => typeof navigator === 'undefined' || navigator.onLine !== false;

export function openGroupSession(opts: OpenGroupSessionOptions): LocalFirstSession {
	const { groupId, token, profile } = opts;
	const doc = new Y.Doc({ guid: groupId });
	const awareness = new Awareness(doc);
	let presence: Presence = { memberId: profile.memberId, name: profile.name, color: profile.color };
	awareness.setLocalStateField('member', presence);

	const relayUrl = opts.relayUrl ?? defaultRelayUrl();
	// Large updates (a big group stored, downloaded, or the delete set in the relay's every first
	// answer) are cut in a worker and applied a slice per task.
	const slice = createWorkerSlicer() ?? undefined;
	const connection = new RelayConnection({
		url: `${relayUrl}/${encodeURIComponent(groupId)}`,
		params: { token, ...(opts.create ? { create: '1' } : {}) },
		doc,
		awareness,
		openSocket: opts.openSocket,
		sliced: slice && {
			// The delete set of a big group encodes small (80,000 ranges in about 300 KB) but applies slowly.
			aboveBytes: RELAY_SLICE_ABOVE_BYTES,
			async apply(update, origin) {
				const parts = await slice(update);
				for (const part of parts) {
					Y.applyUpdate(doc, part, origin);
					await yieldToPage();
				}
				// For anyone measuring (DevTools, tests): a change from the relay applied in slices.
				globalThis.performance?.mark?.('commonplace:relay-change-sliced', { detail: { groupId, bytes: update.length, slices: parts.length } });
			}
		}
	});
	let tabs: TabChannel | null = null;
	let progress: LoadProgress | null = null;
	const report = (next: LoadProgress) => {
		// The status changes once per percent (per MiB while the size is unknown), not once per chunk or slice.
		const mark = (p: LoadProgress) => (p.total ? Math.floor((100 * p.done) / p.total) : Math.floor(p.done / 2 ** 20));
		if (progress && progress.step === next.step && progress.total === next.total && mark(progress) === mark(next)) return;
		progress = next;
		update();
	};
	const persistence = persistGroup(doc, groupId, opts.log ?? createIdbUpdateLog(), {
		// What came from the relay or another tab is stored settled; the rest waits for the relay.
		isLocal: (origin) => origin !== connection.origin && origin !== tabs?.origin,
		// "N changes waiting" counts what the member did, not the view counter.
		isBookkeeping,
		loadAfter: opts.loadAfter,
		// A big group is applied slice by slice, cut in a worker, so the page keeps drawing meanwhile.
		slice,
		sliceAboveBytes: SLICE_ABOVE_BYTES,
		// The stored group is read in that worker too (from the default log in IndexedDB).
		loadSliced: opts.log ? undefined : (createWorkerLoader() ?? undefined),
		// And compacted there.
		compact: opts.log ? undefined : (createWorkerCompactor() ?? undefined),
		pause: yieldToPage,
		applied: (done, total) => report({ step: 'applying', done, total }),
		// A device that holds nothing of a group the relay has downloads it first, showing how much has
		// arrived, and applies it in slices; the connection then brings only what changed since.
		initial:
			opts.create
				? undefined
				: async () => {
						if (!browserOnline() || earlyRefusal()) return null;
						report({ step: 'receiving', done: 0, total: null });
						return relayApi(groupId, token, { origin: apiOrigin(opts.relayUrl) }).state((done, total) => report({ step: 'receiving', done, total }));
					}
	});
	const stopConfirming = confirmChanges(persistence, connection);

	const listeners = new Set<(status: SyncStatus) => void>();
	let status: SyncStatus = { kind: 'loading' };
	let loadedDone = false;
	let destroyed = false;
	let registered = !opts.create;
	/** A refusal the relay's API explained (the socket itself only says it never opened). */
	let diagnosed: Refusal | null = null;
	const earlyRefusal = () => {
		const error = opts.refusedBefore?.();
		return error ? refusalOfApiError(error, !registered) : null;
	};

	const update = () => {
		if (destroyed) return;
		const refusedWith = connection.state.refusedWith;
		const next = computeStatus({
			loaded: loadedDone,
			progress,
			pending: persistence.state.waiting,
			refusal: diagnosed ?? (refusedWith === null ? null : refusalFor(refusedWith)),
			storageError: persistence.state.error,
			writable: isWritable(doc),
			online: browserOnline(),
			connection: connection.state
		});
		if (sameStatus(next, status)) return;
		status = next;
		for (const l of listeners) l(status);
	};

	const offConnection = connection.subscribe((state) => {
		if (state.synced && !registered) {
			registered = true;
			connection.setParams({ token });
			opts.onRegistered?.();
		}
		update();
	});
	const offPersistence = persistence.subscribe(update);

	// The relay refuses bad tokens with an HTTP status before the WebSocket opens, which browsers
	// hide (the socket just closes). After repeated failures while online, ask the relay's API with
	// the same token what is wrong, once per streak of failures.
	let diagnosing = false;
	const offClose = connection.onClose((close) => {
		if (close.opened || diagnosed || diagnosing || connection.state.failedAttempts < 2 || !browserOnline()) return;
		diagnosing = true;
		void diagnoseRefusal(groupId, token, apiOrigin(opts.relayUrl), !registered).then((found) => {
			if (destroyed) return;
			if (found) {
				diagnosed = found.refusal;
				connection.refuse(found.code);
				update();
			} else {
				setTimeout(() => (diagnosing = false), 30_000);
			}
		});
	});

	const onOnline = () => {
		if (diagnosed?.reason === 'rate-limited') diagnosed = null;
		diagnosing = false;
		connection.retryNow();
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
		if (!destroyed) {
			tabs = joinTabs(`commonplace:${relayUrl}/${groupId}`, doc, awareness, (origin) => origin === connection.origin);
			const early = earlyRefusal();
			if (early) {
				diagnosed = early.refusal;
				connection.refuse(early.code);
			}
			connection.connect();
		}
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
			if (typeof window !== 'undefined') {
				window.removeEventListener('online', onOnline);
				window.removeEventListener('offline', update);
				window.removeEventListener('pagehide', onPageHide);
			}
			stopConfirming();
			offConnection();
			offPersistence();
			offClose();
			tabs?.destroy();
			removeAwarenessStates(awareness, [doc.clientID], 'session closed');
			connection.destroy();
			persistence.destroy();
			awareness.destroy();
			listeners.clear();
			// The doc is left to the garbage collector rather than destroyed: pending storage writes
			// still read the updates they hold.
		}
	};
}

/** What the relay's API says about this token, as a close code and words; null when it accepts it or cannot be asked. */
async function diagnoseRefusal(groupId: string, token: string, origin: string, creating: boolean): Promise<{ code: number; refusal: Refusal } | null> {
	try {
		await relayApi(groupId, token, { origin }).me();
		return null;
	} catch (error) {
		return refusalOfApiError(error, creating);
	}
}

/** A refusal of the token or group by the relay's API, as a close code and words; null for any other error. */
function refusalOfApiError(error: unknown, creating: boolean): { code: number; refusal: Refusal } | null {
	if (!(error instanceof RelayApiError) || error.offline) return null;
	if (creating && error.status === 401) {
		// The group is not on the relay yet, so the API cannot know this token; the relay refused to create it.
		return {
			code: CloseCode.forbidden,
			refusal: { reason: 'forbidden', message: 'The relay did not accept this new group. It may need a creation token; ask its operator.' }
		};
	}
	const code = error.closeCode ?? (error.status === 410 ? CloseCode.groupDeleted : error.status === 429 ? CloseCode.rateLimited : null);
	const known = code === null ? null : refusalFor(code);
	return known && code !== null ? { code, refusal: { ...known, message: error.message || known.message } } : null;
}
