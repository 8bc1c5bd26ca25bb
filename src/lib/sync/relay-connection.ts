// One group's connection to the relay, written on y-protocols: the sync exchange, updates both ways,
// awareness, reconnection with jittered backoff, and confirmations that the relay holds what was sent.
import type * as Y from 'yjs';
import { mergeUpdates } from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { isTemporaryRefusal, refusalMeaning } from '$lib/rules';
import { jitteredBackoff } from './backoff';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

/** The part of a WebSocket the connection uses; the browser's WebSocket is one, tests pass a twin. */
export interface RelaySocket {
	binaryType: string;
	readonly readyState: number;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
	onopen: ((event: unknown) => void) | null;
	onmessage: ((event: { data: unknown }) => void) | null;
	onclose: ((event: { code: number; reason: string }) => void) | null;
	onerror: ((event: unknown) => void) | null;
}

export type OpenSocket = (url: string) => RelaySocket;

export interface ConnectionState {
	/** The socket is open. */
	connected: boolean;
	/** An attempt to open the socket is under way. */
	connecting: boolean;
	/** The first exchange of this connection is done: this browser holds what the relay holds. */
	synced: boolean;
	/** Closes since the last socket that opened (0 during the very first attempt). */
	failedAttempts: number;
	/** The close code of the refusal that stopped reconnecting, or null. */
	refusedWith: number | null;
}

export interface ConnectionClose {
	code: number;
	reason: string;
	/** False when the socket never opened (the relay refused the upgrade, or is unreachable). */
	opened: boolean;
}

export interface RelayConnectionOptions {
	/** The group's room, `ws(s)://<host>/sync/<groupId>`, without a query. */
	url: string;
	/** Query parameters (the token, `create=1`). */
	params: Record<string, string>;
	doc: Y.Doc;
	awareness: awarenessProtocol.Awareness;
	openSocket?: OpenSocket;
	/** The delay before reconnection attempt n; default jittered exponential up to 10 s. */
	backoff?: (attempt: number) => number;
	/** How long a temporary refusal (4429) lasts before trying again; default 30–60 s. */
	refusalPauseMs?: () => number;
	/**
	 * Applies a large change from the relay a part at a time (its answer to every new connection
	 * holds the group's whole delete set: 80,000 ranges for a big group, 185 ms in one task of
	 * Chromium here); what comes meanwhile waits its turn. Changes up to `aboveBytes` are applied at
	 * once. `apply` must apply all of `update` with `origin`, or throw having applied none of it.
	 */
	sliced?: { aboveBytes: number; apply(update: Uint8Array, origin: unknown): Promise<void> };
}

const browserSocket: OpenSocket = (url) => new WebSocket(url) as unknown as RelaySocket;

export class RelayConnection {
	readonly #doc: Y.Doc;
	readonly #awareness: awarenessProtocol.Awareness;
	readonly #url: string;
	#params: Record<string, string>;
	readonly #openSocket: OpenSocket;
	readonly #backoff: (attempt: number) => number;
	readonly #refusalPause: () => number;
	readonly #sliced: RelayConnectionOptions['sliced'];
	/** Messages that came while a large change was being applied, in order. */
	#backlog: Uint8Array[] | null = null;
	#socket: RelaySocket | null = null;
	#state: ConnectionState = { connected: false, connecting: false, synced: false, failedAttempts: 0, refusedWith: null };
	/** Whether the app wants to be connected (connect() called, not disconnected or destroyed). */
	#wanted = false;
	#destroyed = false;
	#listening = false;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** The relay asked for what it lacks; our answer, with every change made offline, has been sent. */
	#relayAsked = false;
	/**
	 * One entry per sync step 1 this side sent, in order: the relay answers each with a step 2 on the
	 * one ordered socket. `null` is the connection's own first step 1; the others are confirmations.
	 */
	#answers: (((held: boolean) => void) | null)[] = [];
	#outgoing: Uint8Array[] = [];
	#flushScheduled = false;
	readonly #stateListeners = new Set<(state: ConnectionState) => void>();
	readonly #closeListeners = new Set<(close: ConnectionClose) => void>();
	readonly #onDocUpdate: (update: Uint8Array, origin: unknown) => void;
	readonly #onAwarenessUpdate: (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => void;

	constructor(options: RelayConnectionOptions) {
		this.#doc = options.doc;
		this.#awareness = options.awareness;
		this.#url = options.url;
		this.#params = { ...options.params };
		this.#openSocket = options.openSocket ?? browserSocket;
		this.#backoff = options.backoff ?? jitteredBackoff;
		this.#refusalPause = options.refusalPauseMs ?? (() => 30_000 + Math.random() * 30_000);
		this.#sliced = options.sliced;
		// Updates made in the same task go out as one merged message, so a burst of small writes (a
		// script, an import in steps) does not trip the relay's message rate limit.
		this.#onDocUpdate = (update, origin) => {
			if (origin === this) return; // from the relay: nothing to pass back
			if (!this.#state.connected) return; // the next connection's exchange carries it
			this.#outgoing.push(update);
			if (!this.#flushScheduled) {
				this.#flushScheduled = true;
				setTimeout(() => this.#flush(), 0);
			}
		};
		this.#onAwarenessUpdate = ({ added, updated, removed }) => {
			const own = this.#awareness.clientID;
			if (!added.includes(own) && !updated.includes(own) && !removed.includes(own)) return;
			this.#sendAwareness([own]);
		};
		this.#awareness.on('update', this.#onAwarenessUpdate);
	}

	/** The origin of transactions that apply what the relay sent. */
	get origin(): unknown {
		return this;
	}

	get state(): ConnectionState {
		return this.#state;
	}

	/** True when a confirmation can be asked for: synced, and the relay has had our answer. */
	get canConfirm(): boolean {
		return this.#state.synced && this.#relayAsked;
	}

	/** Calls `listener` now and on every change of state; returns the unsubscribe function. */
	subscribe(listener: (state: ConnectionState) => void): () => void {
		this.#stateListeners.add(listener);
		listener(this.#state);
		return () => this.#stateListeners.delete(listener);
	}

	/** Calls `listener` whenever a socket closes (or fails to open). */
	onClose(listener: (close: ConnectionClose) => void): () => void {
		this.#closeListeners.add(listener);
		return () => this.#closeListeners.delete(listener);
	}

	/** Query parameters for the next socket (the relay registered the group: `create` is dropped). */
	setParams(params: Record<string, string>): void {
		this.#params = { ...params };
	}

	connect(): void {
		if (this.#destroyed) return;
		// Heard from the first connect on (before, nothing is sent: the connection's exchange carries
		// it), so a group applied from storage before connecting has Yjs encode no 'update' for it.
		if (!this.#listening) {
			this.#listening = true;
			this.#doc.on('update', this.#onDocUpdate);
		}
		this.#wanted = true;
		if (this.#state.refusedWith !== null) return;
		this.#open();
	}

	/** Tries again at once (the browser came back online), unless a lasting refusal stopped it. */
	retryNow(): void {
		if (this.#destroyed || !this.#wanted) return;
		const refused = this.#state.refusedWith;
		if (refused !== null && !isTemporaryRefusal(refused)) return;
		this.#set({ failedAttempts: 0, refusedWith: null });
		if (!this.#socket) this.#open();
	}

	/** Stops with a refusal learnt another way (the relay's API said why the upgrade was refused). */
	refuse(code: number): void {
		this.#set({ refusedWith: code });
		this.#closeSocket();
		if (isTemporaryRefusal(code)) this.#retryAfterPause();
	}

	disconnect(): void {
		this.#wanted = false;
		this.#closeSocket();
	}

	/**
	 * Resolves true once the relay holds every change this side has sent so far, false when the
	 * connection closes first or cannot be asked (see `canConfirm`).
	 */
	confirm(): Promise<boolean> {
		const socket = this.#socket;
		if (!socket || !this.#state.connected || !this.canConfirm) return Promise.resolve(false);
		// Every change so far must be on the wire before the question.
		this.#flush();
		return new Promise((resolve) => {
			this.#answers.push(resolve);
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeSyncStep1(encoder, this.#doc);
			this.#send(encoding.toUint8Array(encoder));
		});
	}

	destroy(): void {
		if (this.#destroyed) return;
		this.#flush();
		this.#destroyed = true;
		this.#wanted = false;
		this.#closeSocket();
		this.#doc.off('update', this.#onDocUpdate);
		this.#awareness.off('update', this.#onAwarenessUpdate);
		this.#stateListeners.clear();
		this.#closeListeners.clear();
	}

	#set(patch: Partial<ConnectionState>): void {
		const next = { ...this.#state, ...patch };
		const changed = (Object.keys(next) as (keyof ConnectionState)[]).some((k) => next[k] !== this.#state[k]);
		if (!changed) return;
		this.#state = next;
		for (const listener of this.#stateListeners) listener(next);
	}

	#open(): void {
		if (this.#socket || this.#destroyed || !this.#wanted) return;
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
		const query = new URLSearchParams(this.#params).toString();
		let socket: RelaySocket;
		try {
			socket = this.#openSocket(query ? `${this.#url}?${query}` : this.#url);
		} catch {
			this.#set({ connecting: false, failedAttempts: this.#state.failedAttempts + 1 });
			this.#scheduleRetry();
			return;
		}
		socket.binaryType = 'arraybuffer';
		this.#socket = socket;
		let opened = false;
		this.#set({ connecting: true, connected: false, synced: false });
		socket.onopen = () => {
			if (this.#socket !== socket) return;
			opened = true;
			this.#relayAsked = false;
			this.#answers = [null];
			this.#set({ connecting: false, connected: true, failedAttempts: 0 });
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeSyncStep1(encoder, this.#doc);
			this.#send(encoding.toUint8Array(encoder));
			if (this.#awareness.getLocalState() !== null) this.#sendAwareness([this.#awareness.clientID]);
		};
		socket.onmessage = (event) => {
			if (this.#socket !== socket) return;
			const data = event.data;
			const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
			if (bytes) this.#receive(bytes);
		};
		socket.onerror = () => {};
		socket.onclose = (event) => {
			if (this.#socket !== socket) return;
			this.#socket = null;
			this.#closed({ code: event.code, reason: event.reason, opened });
		};
	}

	#closed(close: ConnectionClose): void {
		this.#backlog = this.#backlog && [];
		for (const answer of this.#answers) answer?.(false);
		this.#answers = [];
		this.#outgoing = [];
		this.#relayAsked = false;
		// Who was online through the relay is unknown from now on.
		const others = [...this.#awareness.getStates().keys()].filter((id) => id !== this.#awareness.clientID);
		if (others.length) awarenessProtocol.removeAwarenessStates(this.#awareness, others, this);
		const refused = refusalMeaning(close.code) !== null ? close.code : null;
		this.#set({
			connected: false,
			connecting: false,
			synced: false,
			failedAttempts: this.#state.failedAttempts + 1,
			refusedWith: refused ?? this.#state.refusedWith
		});
		for (const listener of this.#closeListeners) listener(close);
		if (refused !== null) {
			if (isTemporaryRefusal(refused)) this.#retryAfterPause();
			return;
		}
		this.#scheduleRetry();
	}

	#scheduleRetry(): void {
		if (!this.#wanted || this.#destroyed || this.#retryTimer || this.#state.refusedWith !== null) return;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			this.#open();
		}, this.#backoff(this.#state.failedAttempts));
	}

	#retryAfterPause(): void {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (this.#state.refusedWith === null || !isTemporaryRefusal(this.#state.refusedWith)) return;
			this.#set({ refusedWith: null, failedAttempts: 0 });
			this.#open();
		}, this.#refusalPause());
	}

	#closeSocket(): void {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
		const socket = this.#socket;
		if (!socket) return;
		this.#socket = null;
		socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
		try {
			socket.close();
		} catch {
			// Already closing.
		}
		this.#closed({ code: 1000, reason: '', opened: this.#state.connected });
		// A close this side made is not a failed attempt.
		this.#set({ failedAttempts: 0 });
	}

	#receive(bytes: Uint8Array): void {
		if (this.#backlog) {
			this.#backlog.push(bytes);
			return;
		}
		const large = this.#largeChange(bytes);
		if (large) {
			this.#applyInParts(large.step, large.update);
			return;
		}
		const decoder = decoding.createDecoder(bytes);
		const encoder = encoding.createEncoder();
		let type: number;
		try {
			type = decoding.readVarUint(decoder);
		} catch {
			return;
		}
		if (type === MESSAGE_SYNC) {
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			let step: number;
			try {
				step = syncProtocol.readSyncMessage(decoder, encoder, this.#doc, this);
			} catch {
				return; // an unreadable message changes nothing
			}
			// Our answer to the relay's step 1 goes out now, before any later confirmation request.
			if (encoding.length(encoder) > 1) this.#send(encoding.toUint8Array(encoder));
			this.#received(step);
		} else if (type === MESSAGE_AWARENESS) {
			try {
				awarenessProtocol.applyAwarenessUpdate(this.#awareness, decoding.readVarUint8Array(decoder), this);
			} catch {
				// A peer's unreadable presence is ignored.
			}
		} else if (type === MESSAGE_QUERY_AWARENESS) {
			this.#sendAwareness([this.#awareness.clientID]); // the relay keeps everyone else's itself
		}
	}

	/** What the relay's step 2 or update told once applied: an answer to our step 1, or a change. */
	#received(step: number): void {
		if (step === syncProtocol.messageYjsSyncStep1) this.#relayAsked = true;
		if (step === syncProtocol.messageYjsSyncStep2) {
			const answer = this.#answers.shift();
			if (answer) answer(true);
			else if (answer === null) this.#set({ synced: true });
		}
		// The relay's step 1 may come after its answer to ours; `canConfirm` changed either way.
		if (step !== syncProtocol.messageYjsUpdate) for (const listener of this.#stateListeners) listener(this.#state);
	}

	/** A sync step 2 or update over `sliced.aboveBytes`, read out of its message; null for anything else. */
	#largeChange(bytes: Uint8Array): { step: number; update: Uint8Array } | null {
		if (!this.#sliced || bytes.length <= this.#sliced.aboveBytes) return null;
		try {
			const decoder = decoding.createDecoder(bytes);
			if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return null;
			const step = decoding.readVarUint(decoder);
			if (step !== syncProtocol.messageYjsSyncStep2 && step !== syncProtocol.messageYjsUpdate) return null;
			return { step, update: decoding.readVarUint8Array(decoder) };
		} catch {
			return null; // left to the ordinary path, which drops what it cannot read
		}
	}

	/** Applies a large change a part at a time; the messages after it wait, then follow in order. */
	#applyInParts(step: number, update: Uint8Array): void {
		const socket = this.#socket;
		this.#backlog = [];
		void this.#sliced!.apply(update, this).then(
			() => {
				if (this.#socket === socket && !this.#destroyed) this.#received(step);
			},
			() => {} // an unreadable change changes nothing
		).finally(() => {
			const backlog = this.#backlog ?? [];
			this.#backlog = null;
			for (const [i, bytes] of backlog.entries()) {
				this.#receive(bytes);
				// A large one among them holds the rest again.
				const held = this.#backlog as Uint8Array[] | null;
				if (held) {
					held.push(...backlog.slice(i + 1));
					break;
				}
			}
		});
	}

	#flush(): void {
		this.#flushScheduled = false;
		if (this.#outgoing.length === 0) return;
		const merged = this.#outgoing.length === 1 ? this.#outgoing[0] : mergeUpdates(this.#outgoing);
		this.#outgoing = [];
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeUpdate(encoder, merged);
		this.#send(encoding.toUint8Array(encoder));
	}

	#sendAwareness(clients: number[]): void {
		if (!this.#state.connected) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.#awareness, clients));
		this.#send(encoding.toUint8Array(encoder));
	}

	#send(message: Uint8Array): void {
		const socket = this.#socket;
		if (!socket || socket.readyState !== 1) return;
		try {
			socket.send(message);
		} catch {
			socket.close();
		}
	}
}
