// Rooms: one Y.Doc per group held in memory while members are connected. A room answers nothing
// before its doc is loaded from storage, stores every accepted update before passing it on, and
// releases its doc, awareness, timers and listeners when it has been idle for a while.
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { MemberRole } from './auth/types.ts';
import type { RelayConfig } from './config.ts';
import type { RoomFanout } from './fanout.ts';
import { errorText, type Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import { writesHidden } from './moderation.ts';
import { needsCompaction } from './persistence/compaction.ts';
import { isStorageFull } from './storage-errors.ts';
import type { RoomStore, StoredSize } from './persistence/types.ts';
import {
	checkUpdate,
	CloseCode,
	ConnectionRefusal,
	decodeAwarenessEntries,
	encodeAwareness,
	encodeAwarenessEntries,
	encodeSyncStep1,
	encodeStoredSyncStep1,
	encodeStoredSyncStep2,
	encodeSyncStep2,
	encodeUpdate,
	malformed,
	type AwarenessEntry,
	type ClientMessage
} from './protocol.ts';

/** A connection as its room sees it. */
export interface Peer {
	readonly id: number;
	readonly role: MemberRole;
	readonly tokenId: string;
	/** The token's member name, logged with each update for the group's history. */
	readonly memberName?: string;
	/** Awareness client ids this connection has announced; cleared when it closes. */
	readonly awarenessIds: Set<number>;
	/** Changes in a row from this connection that built on changes the relay never received. */
	unresolvedChanges: number;
	/** Its allowance of presence bytes, kept by its room (on the connection: no map entry per member). */
	awarenessBudget?: AwarenessBudget | null;
	/** Sends a message; `onWritten` runs once it is handed to the operating system (or dropped). */
	send(message: Uint8Array, onWritten?: () => void): void;
	close(code: number, reason: string): void;
}

export interface RoomDeps {
	config: RelayConfig;
	store: RoomStore;
	fanout: RoomFanout;
	metrics: Metrics;
	log: Logger;
}

/** Origin of updates that came from another relay process through the fan-out. */
const FANOUT = Symbol('fanout');
/**
 * Changes in a row with missing dependencies after which a connection is refused. A well-behaved
 * client sends them only in a race (an edit sent just before its answer to our sync step 1), and the
 * step 1 the relay sends back makes it send the missing part.
 */
const MAX_UNRESOLVED_CHANGES = 3;

/** A sync step 2 that carries nothing: the answer to a step 1 whose client is already up to date. */
const EMPTY_SYNC_STEP_2 = encodeSyncStep2(new Y.Doc(), Y.encodeStateVector(new Y.Doc()));

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
/**
 * A stored group at least this large is sent from storage to those who ask while its doc is built,
 * and has each change checked before it is applied (a rebuild from storage would take long).
 */
const ANSWER_FROM_STORAGE_BYTES = 1 << 20;
/** How long a loading big group waits for the first asks of the members who just connected. */
const FIRST_ASK_WAIT_MS = 250;

/** A message sent to many members, as one Buffer for all: ws wraps anything else in a new one for each send. */
function asBuffer(message: Uint8Array): Buffer {
	return Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
}

/**
 * A live room's doc once it holds only what is stored: loaded, not being rebuilt (a rebuild may hold
 * part of a change that was never stored), no change still on its way to the disk. Null when it
 * cannot get there (its loading failed, or it closed).
 */
async function settledDoc(room: Room): Promise<Y.Doc | null> {
	try {
		await room.ready;
		if (room.rebuilding) await room.rebuilding;
		await room.stored();
	} catch {
		return null;
	}
	return room.isLoaded ? room.doc : null;
}

/** Presence changes reach the members at most this often, each batch in one message. */
const AWARENESS_FLUSH_MS = 50;

/** A connection's allowance of presence bytes, and its latest presence waiting for allowance. */
export interface AwarenessBudget {
	bytes: number;
	refilledAt: number;
	waiting: AwarenessEntry[] | null;
	waitingBytes: number;
	timer: NodeJS.Timeout | null;
}

export class Room {
	#doc: Y.Doc;
	readonly awareness: awarenessProtocol.Awareness;
	readonly peers = new Set<Peer>();
	/** Resolves once the doc holds everything stored; rejects when loading failed. */
	readonly ready: Promise<void>;
	private loaded = false;
	private closed = false;
	private size: StoredSize = { logUpdates: 0, logBytes: 0, totalBytes: 0 };
	private idleTimer: NodeJS.Timeout | null = null;
	private compactionQueued = false;
	private compacting: Promise<void> | null = null;
	/** Updates the doc emitted while one incoming update was applied; stored only if it applied whole. */
	private applying: Uint8Array[] | null = null;
	private unsubscribeFanout: () => void = () => {};
	private readonly awarenessOwners = new Map<number, Peer>();
	// Made when needed and dropped when empty: a room of idle members holds no empty collections.
	/** Client ids whose presence changed since the last batch went out. */
	private awarenessChanged: Set<number> | null = null;
	/** Of those, the ones whose change came from this process's members (other processes hear of them). */
	private awarenessChangedHere: Set<number> | null = null;
	private awarenessTimer: NodeJS.Timeout | null = null;
	/** Answers to sync step 1 waiting for the stores in flight, per connection, in order. */
	private waitingAnswers: Map<Peer, { stateVector: Uint8Array | null; count: number }[]> | null = null;
	private answersScheduled = false;
	/** Stores of accepted updates not yet settled. */
	private readonly inflight = new Set<Promise<void>>();
	/** Connections answered from storage while the doc loads; null once the doc is loaded. */
	private answeredFromStorage: Set<Peer> | null = new Set();
	private onAsked: (() => void) | null = null;
	/** Longest a loading room waits for its answers from storage to be written before building its doc. */
	static readonly STORED_ANSWER_WAIT_MS = 30_000;
	/** Set while the doc is rebuilt from storage; messages wait for it. */
	#rebuilding: Promise<void> | null = null;

	constructor(
		readonly groupId: string,
		private readonly deps: RoomDeps,
		private readonly onUnload: (room: Room) => void
	) {
		this.#doc = new Y.Doc({ guid: groupId, gc: true });
		this.awareness = new awarenessProtocol.Awareness(this.doc);
		// The relay itself is not present in the group.
		this.awareness.setLocalState(null);
		this.doc.on('update', this.onDocUpdate);
		this.awareness.on('update', this.onAwarenessUpdate);
		this.ready = this.load();
		// A failed load is reported through `ready` to whoever waits on it; never unhandled.
		this.ready.catch(() => {});
	}

	/** The group's doc; its guid is the group id, as in every member's browser. */
	get doc(): Y.Doc {
		return this.#doc;
	}

	/** While the room rebuilds its doc from storage: settles when done. Messages wait for it. */
	get rebuilding(): Promise<void> | null {
		return this.#rebuilding;
	}

	/** Settles once every update the doc accepted so far is stored (or failed to be). */
	async stored(): Promise<void> {
		while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
	}

	get isLoaded(): boolean {
		return this.loaded && !this.closed;
	}

	private async load(): Promise<void> {
		const { store, fanout, metrics, log } = this.deps;
		try {
			const stored = await store.load(this.groupId);
			if (this.closed) throw new Error('room closed while loading');
			// Building a big group's doc holds the event loop for seconds: the members who just connected
			// get their first ask in and are answered from storage before that.
			if (stored && stored.size.totalBytes >= ANSWER_FROM_STORAGE_BYTES) await this.firstAsks();
			const askedWhileLoading = [...(this.answeredFromStorage ?? [])];
			if (stored) await this.answerFromStorage(stored.updates);
			this.answeredFromStorage = null;
			if (this.closed) throw new Error('room closed while loading');
			if (stored) {
				this.applying = [];
				this.doc.transact(() => {
					for (const update of stored.updates) Y.applyUpdate(this.doc, update, FANOUT);
				}, FANOUT);
				this.applying = null;
				this.size = stored.size;
			}
			this.unsubscribeFanout = fanout.subscribe(this.groupId, {
				onUpdate: (update) => {
					if (!this.closed) Y.applyUpdate(this.doc, update, FANOUT);
				},
				onAwareness: (update) => this.applyRemoteAwareness(update)
			});
			this.loaded = true;
			metrics.roomLoads.add();
			log.debug('room loaded', { groupId: this.groupId, bytes: this.size.totalBytes });
			for (const peer of this.peers) this.greet(peer);
			// Nothing stored yet (a new group): their asks get the usual answer, of everything the doc has.
			if (!stored) for (const peer of askedWhileLoading) this.answerSync(peer, EMPTY_STATE_VECTOR);
		} catch (error) {
			this.applying = null;
			// A room closed while it loaded (its group deleted, the relay stopping) did not fail.
			if (!this.closed) log.error('room failed to load', { groupId: this.groupId, error: errorText(error) });
			this.destroy(CloseCode.internalError, 'The relay could not open this group. Try again in a moment.');
			throw error;
		}
	}

	/**
	 * Whether a connection's first message, a sync step 1, will be answered from what is stored while
	 * the doc is still being built from it: a big group reaches its first member without waiting for
	 * the relay's own copy. Everything stored is on disk, and the client sent nothing before asking.
	 */
	answersFromStorage(peer: Peer, stateVector: Uint8Array): boolean {
		if (this.loaded || this.closed || !this.answeredFromStorage || !this.peers.has(peer)) return false;
		// A client that already holds the group (it read it over HTTP, or from its own storage) waits
		// for the doc and gets only what it lacks, not the whole group again.
		if (!asBuffer(stateVector).equals(EMPTY_STATE_VECTOR)) return false;
		this.answeredFromStorage.add(peer);
		this.onAsked?.();
		return true;
	}

	/** Resolves once every connection of the room has asked, or after FIRST_ASK_WAIT_MS. */
	private firstAsks(): Promise<void> {
		return new Promise<void>((resolve) => {
			const timer = setTimeout(done, FIRST_ASK_WAIT_MS);
			const check = (): void => {
				if ((this.answeredFromStorage?.size ?? 0) >= this.peers.size) done();
			};
			this.onAsked = check;
			check();
			function done(): void {
				clearTimeout(timer);
				resolve();
			}
		}).finally(() => {
			this.onAsked = null;
		});
	}

	/**
	 * Sends what is stored to the connections that asked while the room loaded; waits until it is written.
	 * Each editor is first asked for what it has beyond the stored group, as the greeting does once the
	 * doc is built: a client answers an ask before it reads the answer that makes it synced, so changes
	 * made the moment it is synced (which build on its offline ones) arrive after those, never before.
	 */
	private async answerFromStorage(updates: Uint8Array[]): Promise<void> {
		const peers = [...(this.answeredFromStorage ?? [])].filter((peer) => this.peers.has(peer));
		if (peers.length === 0) return;
		const stored = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
		const message = encodeStoredSyncStep2(stored);
		const ask = peers.some((peer) => peer.role !== 'viewer') ? encodeStoredSyncStep1(Y.encodeStateVectorFromUpdate(stored)) : null;
		this.deps.metrics.answersFromStorage.add(peers.length);
		for (const peer of peers) if (ask && peer.role !== 'viewer') peer.send(ask);
		// The doc is built after the answers are written: building holds the event loop, which writes them.
		await Promise.race([
			Promise.all(peers.map((peer) => new Promise<void>((resolve) => peer.send(message, resolve)))),
			new Promise((resolve) => setTimeout(resolve, Room.STORED_ANSWER_WAIT_MS).unref())
		]);
	}

	join(peer: Peer): void {
		this.peers.add(peer);
		if (this.idleTimer) clearTimeout(this.idleTimer);
		this.idleTimer = null;
		if (this.loaded) this.greet(peer);
	}

	/** A room opened without a connection (read over HTTP) unloads once idle, like one its last member left. */
	releaseWhenIdle(): void {
		if (this.peers.size > 0 || this.closed || this.idleTimer) return;
		this.idleTimer = setTimeout(() => this.unload(), this.deps.config.roomIdleMs);
	}

	leave(peer: Peer): void {
		if (!this.peers.delete(peer)) return;
		this.waitingAnswers?.delete(peer);
		if (peer.awarenessBudget?.timer) clearTimeout(peer.awarenessBudget.timer);
		peer.awarenessBudget = null;
		if (peer.awarenessIds.size > 0 && !this.closed) {
			for (const id of peer.awarenessIds) this.awarenessOwners.delete(id);
			awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], peer);
		}
		if (this.peers.size === 0 && !this.closed) {
			this.idleTimer = setTimeout(() => this.unload(), this.deps.config.roomIdleMs);
		}
	}

	/** Handles one decoded message; throws a ConnectionRefusal to close the sending connection. */
	receive(peer: Peer, message: ClientMessage): void {
		if (!this.isLoaded) return;
		switch (message.type) {
			case 'sync-step-1':
				this.answerSync(peer, message.stateVector);
				return;
			case 'sync-step-2':
			case 'update':
				// Viewers read; whatever they send of the document is dropped (SPEC §5).
				if (peer.role === 'viewer') {
					this.deps.metrics.refusals.add(1, { reason: 'viewer-update' });
					return;
				}
				// Only owners hide and restore (issue 15): anyone else's write to those decisions is dropped whole.
				if (peer.role !== 'owner' && this.writesHidden(message.update)) {
					this.deps.metrics.refusals.add(1, { reason: 'hide-not-owner' });
					this.deps.log.info('update dropped: hides are for owners', { groupId: this.groupId, role: peer.role });
					return;
				}
				this.applyFrom(peer, message.update);
				return;
			case 'awareness':
				this.applyAwareness(peer, message.update);
				return;
			case 'query-awareness':
				if (this.awareness.getStates().size > 0) {
					peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
				}
				return;
		}
	}

	/**
	 * Answers `count` sync step 1 messages of one connection once everything the doc holds is stored:
	 * each answer tells the client that the relay has the changes it sent before asking, which must
	 * not be said of a change a crash could still lose. Answers to one connection keep their order.
	 * With a state vector, the first answer carries what the client lacks; with null (asks held while a
	 * whole answer was written, after which every change reached it as an update) all are empty.
	 */
	answerSync(peer: Peer, stateVector: Uint8Array | null, count = 1): void {
		if (this.closed || !this.peers.has(peer)) return;
		const waiting = this.waitingAnswers?.get(peer);
		if (this.inflight.size === 0 && !waiting && !this.#rebuilding) {
			this.sendAnswers(peer, stateVector, count);
			return;
		}
		if (waiting) waiting.push({ stateVector, count });
		else (this.waitingAnswers ??= new Map()).set(peer, [{ stateVector, count }]);
		this.scheduleAnswers();
	}

	private scheduleAnswers(): void {
		if (this.answersScheduled) return;
		this.answersScheduled = true;
		void Promise.allSettled([...this.inflight, this.#rebuilding]).then(() => {
			this.answersScheduled = false;
			if (this.closed) return;
			if (this.inflight.size > 0 || this.#rebuilding) return this.scheduleAnswers();
			const waiting = this.waitingAnswers;
			if (!waiting) return;
			for (const [peer, answers] of [...waiting]) {
				waiting.delete(peer);
				if (!this.peers.has(peer)) continue;
				// The first answer brings the client up to date for all of them (one copy of the group, not one per ask).
				answers.forEach((answer, i) => this.sendAnswers(peer, i === 0 ? answer.stateVector : null, answer.count));
			}
			if (waiting.size === 0 && this.waitingAnswers === waiting) this.waitingAnswers = null;
		});
	}

	private sendAnswers(peer: Peer, stateVector: Uint8Array | null, count: number): void {
		if (stateVector) peer.send(encodeSyncStep2(this.doc, stateVector));
		for (let i = stateVector ? 1 : 0; i < count; i++) peer.send(EMPTY_SYNC_STEP_2);
	}

	/** Sends a joining connection what the stock client expects: our state vector, then who is here. */
	private greet(peer: Peer): void {
		// Viewers' answers would be dropped anyway, so they are not asked for their state.
		if (peer.role !== 'viewer') peer.send(encodeSyncStep1(this.doc));
		if (this.awareness.getStates().size > 0) {
			peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
		}
	}

	private writesHidden(update: Uint8Array): boolean {
		try {
			return writesHidden(this.doc, update);
		} catch {
			throw malformed('bad-update');
		}
	}

	private applyFrom(peer: Peer, update: Uint8Array): void {
		const { config } = this.deps;
		if (this.size.totalBytes + update.length > config.maxDocumentBytes) {
			throw new ConnectionRefusal(
				CloseCode.tooLarge,
				'document-too-large',
				'This group has reached the largest size the relay stores. Ask the relay operator to raise the limit.'
			);
		}
		// A change Yjs cannot read is refused as it is applied (the doc is rebuilt from storage if part
		// of it was taken). Reading every change once more beforehand cost 8 % of the event loop under
		// load; only a big group, whose rebuild takes long, has its changes read first.
		if (this.size.totalBytes >= ANSWER_FROM_STORAGE_BYTES) checkUpdate(update);
		const accepted: Uint8Array[] = [];
		this.applying = accepted;
		try {
			Y.applyUpdate(this.doc, update, peer);
		} catch {
			this.applying = null;
			this.doc.store.pendingStructs = null;
			this.doc.store.pendingDs = null;
			// Yjs may have taken part of the update before it threw (nothing of it was stored or passed
			// on), so the doc is rebuilt from storage while messages wait; no one else notices.
			if (accepted.length > 0) this.rebuild();
			throw malformed('bad-update');
		}
		this.applying = null;
		for (const effective of accepted) this.commit(effective, peer);
		this.dropMissingDependencies(peer);
	}

	/**
	 * Structs (and deletions) whose dependencies the relay never received would wait in memory, never
	 * stored nor counted, and be served in every sync answer. They are dropped: the part of a change
	 * that applied is stored as usual, and the sender is asked for what the relay lacks.
	 */
	private dropMissingDependencies(peer: Peer): void {
		const { store } = this.doc;
		if (store.pendingStructs === null && store.pendingDs === null) {
			peer.unresolvedChanges = 0;
			return;
		}
		store.pendingStructs = null;
		store.pendingDs = null;
		this.deps.metrics.refusals.add(1, { reason: 'missing-dependencies' });
		peer.unresolvedChanges += 1;
		if (peer.unresolvedChanges >= MAX_UNRESOLVED_CHANGES) {
			throw new ConnectionRefusal(
				CloseCode.malformed,
				'missing-dependencies',
				'This app keeps sending changes that build on changes it never sent. Reload the page to send the whole group again.'
			);
		}
		peer.send(encodeSyncStep1(this.doc));
	}

	private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
		if (this.applying) {
			this.applying.push(update);
		} else if (origin === FANOUT) {
			// Stored and counted by the process that accepted it.
			this.broadcast(encodeUpdate(update), null);
		}
	};

	/** Stores one update the doc accepted, then (only then) passes it on. */
	private commit(update: Uint8Array, from: Peer): void {
		const { store, fanout, metrics } = this.deps;
		const started = performance.now();
		// The SQLite store commits the row with the other updates of this turn of the event loop.
		const stored = store.append(this.groupId, update, { tokenId: from.tokenId, name: from.memberName ?? '', at: Date.now() }).then(
			(size) => {
				metrics.writeSeconds.observe((performance.now() - started) / 1000);
				metrics.updatesIn.add();
				if (this.closed) return;
				this.size = size;
				fanout.publish(this.groupId, update);
				this.broadcast(encodeUpdate(update), from);
				this.maybeCompact();
			},
			(error: unknown) => {
				metrics.persistenceErrors.add();
				this.deps.log.error('update not stored', { groupId: this.groupId, error: errorText(error) });
				// Members still hold the update and send it again when they reconnect.
				this.destroy(
					CloseCode.internalError,
					isStorageFull(error)
						? 'The relay’s storage is full. Your change stays on this device and is sent again later.'
						: 'The relay could not store a change. It will be sent again when you reconnect.'
				);
			}
		);
		this.inflight.add(stored);
		void stored.finally(() => this.inflight.delete(stored));
	}

	/** Replaces the doc by what is stored, once every accepted update is; the members stay connected. */
	private rebuild(): void {
		if (this.#rebuilding) return;
		const { store, log } = this.deps;
		this.#rebuilding = (async () => {
			await Promise.allSettled([...this.inflight]);
			const stored = await store.load(this.groupId);
			if (this.closed) return;
			const doc = new Y.Doc({ guid: this.groupId, gc: true });
			if (stored) {
				doc.transact(() => {
					for (const update of stored.updates) Y.applyUpdate(doc, update, FANOUT);
				}, FANOUT);
				this.size = stored.size;
			}
			// The awareness stays bound to the first doc, which is why that one is not destroyed.
			this.#doc.off('update', this.onDocUpdate);
			this.#doc = doc;
			doc.on('update', this.onDocUpdate);
			log.info('room rebuilt from storage', { groupId: this.groupId });
		})()
			.catch((error: unknown) => {
				log.error('room not rebuilt', { groupId: this.groupId, error: errorText(error) });
				this.destroy(CloseCode.internalError, 'The relay could not open this group. Try again in a moment.');
			})
			.finally(() => {
				this.#rebuilding = null;
			});
	}

	private broadcast(message: Uint8Array, except: Peer | null): void {
		const frame = asBuffer(message);
		let sent = 0;
		for (const peer of this.peers) {
			if (peer !== except) {
				peer.send(frame);
				sent++;
			}
		}
		if (sent > 0) this.deps.metrics.updatesOut.add(sent);
	}

	/**
	 * Presence is limited per connection: each message to `maxAwarenessBytes`, and the bytes to
	 * `awarenessBytesPerSecond` with bursts of twice the largest message. Past the allowance the latest
	 * presence waits its turn (it replaces what waited before: presence is a state, not a log).
	 */
	private applyAwareness(peer: Peer, update: Uint8Array): void {
		const { config } = this.deps;
		if (update.length > config.maxAwarenessBytes) {
			throw new ConnectionRefusal(CloseCode.tooLarge, 'awareness-too-large', 'Your presence information is too large for the relay.');
		}
		const entries = decodeAwarenessEntries(update);
		const budget = this.awarenessBudgetOf(peer);
		if (budget.waiting === null && budget.bytes >= update.length) {
			budget.bytes -= update.length;
			this.applyOwnAwareness(peer, entries);
			return;
		}
		budget.waiting = entries;
		budget.waitingBytes = update.length;
		this.deps.metrics.awarenessDeferred.add();
		this.scheduleWaitingAwareness(peer, budget);
	}

	private awarenessBudgetOf(peer: Peer): AwarenessBudget {
		const { config } = this.deps;
		const burst = 2 * config.maxAwarenessBytes;
		let budget = peer.awarenessBudget;
		const now = performance.now();
		if (!budget) {
			budget = { bytes: burst, refilledAt: now, waiting: null, waitingBytes: 0, timer: null };
			peer.awarenessBudget = budget;
		}
		budget.bytes = Math.min(burst, budget.bytes + ((now - budget.refilledAt) / 1000) * config.awarenessBytesPerSecond);
		budget.refilledAt = now;
		return budget;
	}

	private scheduleWaitingAwareness(peer: Peer, budget: AwarenessBudget): void {
		if (budget.timer) return;
		const rate = Math.max(1, this.deps.config.awarenessBytesPerSecond);
		const waitMs = Math.max(AWARENESS_FLUSH_MS, ((budget.waitingBytes - budget.bytes) / rate) * 1000);
		budget.timer = setTimeout(() => {
			budget.timer = null;
			if (this.closed || !this.peers.has(peer) || !budget.waiting) return;
			this.awarenessBudgetOf(peer);
			if (budget.bytes < budget.waitingBytes) return this.scheduleWaitingAwareness(peer, budget);
			const entries = budget.waiting;
			budget.bytes -= budget.waitingBytes;
			budget.waiting = null;
			this.applyOwnAwareness(peer, entries);
		}, waitMs);
	}

	/**
	 * A connection speaks for one awareness client id: the first it announces that no other live
	 * connection holds. Entries for any other id (another member's presence, or the echo the stock
	 * client sends of everyone's) are dropped, so no one can overwrite or remove someone else's.
	 */
	private applyOwnAwareness(peer: Peer, entries: AwarenessEntry[]): void {
		const own = entries.filter((entry) => {
			const owner = this.awarenessOwners.get(entry.clientId);
			if (owner) return owner === peer;
			if (peer.awarenessIds.size > 0 || entry.state === 'null') return false;
			// An echo of a presence that just left (its clock not newer) must not claim that id.
			const known = this.awareness.meta.get(entry.clientId);
			if (known && entry.clock <= known.clock) return false;
			this.awarenessOwners.set(entry.clientId, peer);
			peer.awarenessIds.add(entry.clientId);
			return true;
		});
		if (own.length === 0) return;
		awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(own), peer);
	}

	/**
	 * Presence from members connected to another relay process: applied as it came (that process
	 * bound each entry to its connection), except entries for ids a connection here speaks for.
	 */
	private applyRemoteAwareness(update: Uint8Array): void {
		if (this.closed) return;
		let entries: AwarenessEntry[];
		try {
			entries = decodeAwarenessEntries(update);
		} catch {
			return;
		}
		const theirs = entries.filter((entry) => !this.awarenessOwners.has(entry.clientId));
		if (theirs.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(theirs), FANOUT);
	}

	/** Presence changes go out in batches, one message per member per batch, however many arrived. */
	private readonly onAwarenessUpdate = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		for (const id of [...added, ...updated, ...removed]) {
			(this.awarenessChanged ??= new Set()).add(id);
			if (origin !== FANOUT) (this.awarenessChangedHere ??= new Set()).add(id);
		}
		if (this.awarenessTimer || !this.awarenessChanged) return;
		this.awarenessTimer = setTimeout(() => this.flushAwareness(), AWARENESS_FLUSH_MS);
	};

	private flushAwareness(): void {
		this.awarenessTimer = null;
		const changed = [...(this.awarenessChanged ?? [])];
		const here = [...(this.awarenessChangedHere ?? [])];
		this.awarenessChanged = null;
		this.awarenessChangedHere = null;
		if (this.closed || changed.length === 0) return;
		if (here.length > 0) this.deps.fanout.publishAwareness(this.groupId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, here));
		if (this.peers.size === 0) return;
		// Sent to everyone, the sender too: the stock client treats 30 s of silence as a dead link.
		const message = asBuffer(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)));
		for (const peer of this.peers) peer.send(message);
	}

	private maybeCompact(): void {
		const { config } = this.deps;
		if (this.compactionQueued || this.compacting) return;
		if (!needsCompaction(this.size, config)) return;
		this.compactionQueued = true;
		setImmediate(() => {
			this.compactionQueued = false;
			if (!this.closed) void this.compact();
		});
	}

	/** Folds the stored log into a snapshot (one at a time); a failure keeps the log as it was. */
	async compact(): Promise<void> {
		while (this.compacting) await this.compacting;
		this.compacting = this.compactOnce();
		try {
			await this.compacting;
		} finally {
			this.compacting = null;
		}
	}

	private async compactOnce(): Promise<void> {
		const { store, metrics, log } = this.deps;
		try {
			const size = await store.compact(this.groupId);
			if (!this.closed) this.size = size;
			metrics.compactions.add();
			log.debug('room compacted', { groupId: this.groupId, bytes: size.totalBytes });
		} catch (error) {
			metrics.persistenceErrors.add();
			log.error('compaction failed', { groupId: this.groupId, error: errorText(error) });
		}
	}

	/** Closes the connections of one token (or all, with null) in this room. */
	closePeers(tokenId: string | null, code: number, reason: string): number {
		let count = 0;
		for (const peer of [...this.peers]) {
			if (tokenId === null || peer.tokenId === tokenId) {
				peer.close(code, reason);
				count++;
			}
		}
		return count;
	}

	/** Unloads an idle room, compacting what it logged first. */
	async unload(): Promise<void> {
		if (this.peers.size > 0 || this.closed) return;
		// Updates still on their way to the disk are part of what is compacted.
		await this.stored();
		if (this.peers.size > 0 || this.closed) return;
		if (this.loaded && this.size.logUpdates > 0) await this.compact();
		if (this.peers.size > 0) return;
		this.destroy(CloseCode.goingAway, 'The relay is shutting down.');
		this.deps.metrics.roomUnloads.add();
	}

	/** Closes every connection of the room and releases the doc, awareness, timers and listeners. */
	destroy(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		if (this.idleTimer) clearTimeout(this.idleTimer);
		this.idleTimer = null;
		if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
		this.awarenessTimer = null;
		for (const peer of this.peers) {
			if (peer.awarenessBudget?.timer) clearTimeout(peer.awarenessBudget.timer);
			peer.awarenessBudget = null;
		}
		for (const peer of [...this.peers]) peer.close(code, reason);
		this.peers.clear();
		this.awarenessOwners.clear();
		this.unsubscribeFanout();
		this.doc.off('update', this.onDocUpdate);
		this.awareness.off('update', this.onAwarenessUpdate);
		this.awareness.destroy();
		this.doc.destroy();
		this.onUnload(this);
	}
}

/** Every loaded room of this relay process, by group id. */
export class Rooms {
	private readonly rooms = new Map<string, Room>();

	constructor(private readonly deps: RoomDeps) {}

	get size(): number {
		return this.rooms.size;
	}

	/** The group's room, loading it when needed. */
	open(groupId: string): Room {
		let room = this.rooms.get(groupId);
		if (!room) {
			room = new Room(groupId, this.deps, (gone) => {
				if (this.rooms.get(gone.groupId) === gone) this.rooms.delete(gone.groupId);
				this.deps.metrics.roomsLoaded.set(this.rooms.size);
			});
			this.rooms.set(groupId, room);
			this.deps.metrics.roomsLoaded.set(this.rooms.size);
		}
		return room;
	}

	get(groupId: string): Room | undefined {
		return this.rooms.get(groupId);
	}

	/** The group's current doc: the live room's, or a fresh copy from storage; null when nothing is stored. */
	async loadGroupDoc(groupId: string): Promise<Y.Doc | null> {
		const room = this.rooms.get(groupId);
		const live = room ? await settledDoc(room) : null;
		if (live) return live;
		const stored = await this.deps.store.load(groupId);
		if (!stored) return null;
		const doc = new Y.Doc({ guid: groupId });
		doc.transact(() => {
			for (const update of stored.updates) Y.applyUpdate(doc, update);
		});
		return doc;
	}

	/**
	 * The group's live doc, its room loaded as a connection would load it: a device reads the group's
	 * cover and whole state just before it connects, and then finds the room ready. The room unloads
	 * when idle like any other. Null when it cannot be opened (its loading failed, or it closed).
	 */
	async openGroupDoc(groupId: string): Promise<Y.Doc | null> {
		const room = this.open(groupId);
		room.releaseWhenIdle();
		return settledDoc(room);
	}

	closePeers(groupId: string, tokenId: string | null, code: number, reason: string): number {
		return this.rooms.get(groupId)?.closePeers(tokenId, code, reason) ?? 0;
	}

	/**
	 * Closes every connection of the group and releases its room without storing anything more
	 * (for a deleted group); returns how many connections were closed.
	 */
	drop(groupId: string, code: number, reason: string): number {
		const room = this.rooms.get(groupId);
		if (!room) return 0;
		const count = room.peers.size;
		room.destroy(code, reason);
		return count;
	}

	/** Closes every connection with `code` and unloads every room, compacting their logs. */
	async closeAll(code: number, reason: string): Promise<void> {
		for (const room of [...this.rooms.values()]) {
			room.closePeers(null, code, reason);
			room.peers.clear();
			try {
				await room.ready;
				await room.compact();
			} catch {
				// A room that never loaded has nothing to compact.
			}
			room.destroy(code, reason);
		}
	}
}
