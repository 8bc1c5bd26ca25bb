// One member's WebSocket once access control let it in: enforces the per-connection limits (message
// size and rate, frame type, slow consumers), decodes messages, hands them to the group's room, and
// closes with a named refusal when something is wrong.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { SyncGrant } from './auth/types.ts';
import type { RelayConfig } from './config.ts';
import { errorText, type Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import { CloseCode, ConnectionRefusal, decodeClientMessage, malformed, type ClientMessage } from './protocol.ts';
import type { Peer, Room } from './rooms.ts';
import type { UnfinishedBytes } from './unfinished.ts';

export interface ConnectionDeps {
	config: RelayConfig;
	metrics: Metrics;
	log: Logger;
	/** The relay's count of bytes of messages not yet whole, per address. */
	unfinished: UnfinishedBytes;
}

/** A live connection: its room's Peer plus what the relay needs to watch it. */
export interface Connection extends Peer {
	readonly groupId: string;
	readonly remoteAddress: string;
	/** Pings the peer; a peer that did not answer the previous ping is dropped. */
	heartbeat(): void;
}

const CLOSE_GRACE_MS = 5_000;

/** The metrics labels of each kind of message, made once (the metrics cache their text by object). */
const MESSAGE_LABELS: Record<ClientMessage['type'], { type: string }> = {
	'sync-step-1': { type: 'sync-step-1' },
	'sync-step-2': { type: 'sync-step-2' },
	update: { type: 'update' },
	awareness: { type: 'awareness' },
	'query-awareness': { type: 'query-awareness' }
};

/**
 * The largest size a message may have. Changes to a group (sync step 2 and updates) may be as large as
 * `maxUpdateBytes`: the protocol has no way to split them, and a member's offline work or import
 * arrives as one. Everything else is held to `maxPayloadBytes`.
 */
export function messageLimit(data: Uint8Array, config: Pick<RelayConfig, 'maxPayloadBytes' | 'maxUpdateBytes'>): number {
	return isChange(data) ? Math.max(config.maxUpdateBytes, config.maxPayloadBytes) : config.maxPayloadBytes;
}

/** Sync step 2 or an update: a message that carries a change to the group. */
function isChange(data: Uint8Array): boolean {
	return data.length > 1 && data[0] === 0 && (data[1] === 1 || data[1] === 2);
}

/** The WebSocket layer's own cut-off: past every limit above, with room for framing. */
export function frameLimit(config: Pick<RelayConfig, 'maxPayloadBytes' | 'maxUpdateBytes'>): number {
	return Math.max(config.maxPayloadBytes * 2, config.maxUpdateBytes + 64);
}

/** A close reason is limited to 123 bytes of UTF-8. */
function closeReason(text: string): string {
	let out = text;
	while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
	return out;
}

let nextId = 1;

export function acceptConnection(
	socket: WebSocket,
	/** The TCP socket under `socket`, whose bytes are counted before the WebSocket layer holds them. */
	raw: Duplex,
	grant: SyncGrant,
	room: Room,
	remoteAddress: string,
	deps: ConnectionDeps,
	onClosed: (connection: Connection) => void
): Connection {
	const { config, metrics, log } = deps;
	let closing = false;
	// The one message larger than the send-buffer limit that is still being written (a big group's
	// sync answer, a big change passed on); its bytes are allowed on top of the limit until written.
	let oversizedInFlight: Uint8Array | null = null;
	// Sync step 1 messages received while a big answer to an earlier one is being written. They are
	// answered once it is written, with empty answers: that answer and the updates passed on after it
	// bring the client all the relay holds. One big answer in flight per connection, however often asked.
	let waitingSync = 0;
	const bigAnswerInFlight = (): boolean => oversizedInFlight !== null && oversizedInFlight[0] === 0 && oversizedInFlight[1] === 1;
	const answerWaitingSync = (): void => {
		if (waitingSync === 0 || closing) return;
		const count = waitingSync;
		waitingSync = 0;
		room.answerSync(connection, null, count);
	};
	let alive = true;
	let messagesHandled = 0;
	// Token bucket: a steady rate plus a burst.
	let tokens = config.messageBurst;
	let refilledAt = performance.now();

	// Bytes read since the last whole message: a message (or frame) that has not ended yet.
	let unfinished = 0;
	const onPartialTimeout = (): void => {
		if (unfinished > 0 && !closing) {
			stopReading(new ConnectionRefusal(CloseCode.timeout, 'message-timeout', 'A message took too long to arrive. Check your connection and reload.'));
		}
	};
	const release = (bytes = unfinished): void => {
		if (unfinished === 0) return;
		const released = Math.min(bytes, unfinished);
		unfinished -= released;
		deps.unfinished.add(remoteAddress, -released);
		if (unfinished === 0) deps.unfinished.stopTimer(onPartialTimeout);
	};
	const stopReading = (refusal: ConnectionRefusal): void => {
		refuse(refusal);
		release();
		// What ws holds of the unfinished message goes when the socket does; nothing more is read.
		raw.pause();
	};
	const onRawData = (chunk: Buffer): void => {
		if (closing) return;
		unfinished += chunk.length;
		const withinAddress = deps.unfinished.add(remoteAddress, chunk.length);
		if (!withinAddress || unfinished > frameLimit(config)) {
			stopReading(
				new ConnectionRefusal(CloseCode.tooLarge, 'unfinished-too-large', 'Too much of your messages is still arriving at once. Try again in a moment.')
			);
			return;
		}
		deps.unfinished.startTimer(onPartialTimeout);
	};
	// Runs before ws reads the chunk, so a message that ends in it is released right after.
	raw.prependListener('data', onRawData);

	const finish = (code: number): void => {
		raw.off('data', onRawData);
		release();
		metrics.connections.add(-1);
		metrics.connectionsClosed.add(1, { code: String(code) });
		onClosed(connection);
	};

	const connection: Connection = {
		id: nextId++,
		role: grant.role,
		tokenId: grant.tokenId,
		memberName: grant.memberName ?? '',
		groupId: grant.groupId,
		remoteAddress,
		awarenessIds: new Set<number>(),
		unresolvedChanges: 0,
		send(message, onWritten) {
			if (closing || socket.readyState !== socket.OPEN) return onWritten?.();
			const backlog = socket.bufferedAmount;
			if (backlog > config.sendBufferLimitBytes + (oversizedInFlight?.length ?? 0)) {
				// A reader that cannot keep up would make the relay hold its backlog without bound.
				metrics.refusals.add(1, { reason: 'slow-consumer' });
				log.info('connection dropped', { groupId: grant.groupId, reason: 'slow-consumer' });
				closing = true;
				room.leave(connection);
				socket.terminate();
				onWritten?.();
				return;
			}
			// A message larger than the limit (a big group's first sync) is not a sign of a slow reader:
			// its bytes are allowed on top of the limit until it is written. One such allowance at a time.
			if (message.length > config.sendBufferLimitBytes) {
				oversizedInFlight = message;
				socket.send(message, () => {
					onWritten?.();
					if (oversizedInFlight !== message) return;
					oversizedInFlight = null;
					answerWaitingSync();
				});
			} else {
				socket.send(message, onWritten && (() => onWritten()));
			}
			metrics.messagesOut.add();
			metrics.bytesOut.add(message.length);
		},
		close(code, reason) {
			if (closing) return;
			closing = true;
			room.leave(connection);
			socket.close(code, closeReason(reason));
			// A peer that never answers the close handshake is cut off.
			setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
		},
		heartbeat() {
			if (closing) return;
			if (!alive) {
				metrics.refusals.add(1, { reason: 'heartbeat-timeout' });
				closing = true;
				room.leave(connection);
				socket.terminate();
				return;
			}
			alive = false;
			socket.ping();
		}
	};

	const refuse = (refusal: ConnectionRefusal): void => {
		metrics.refusals.add(1, { reason: refusal.reason });
		log.info('connection refused', { groupId: grant.groupId, code: refusal.code, reason: refusal.reason });
		connection.close(refusal.code, refusal.message);
	};

	const handle = (data: Buffer, isBinary: boolean): void => {
		if (closing) return;
		const now = performance.now();
		tokens = Math.min(config.messageBurst, tokens + ((now - refilledAt) / 1000) * config.messagesPerSecond);
		refilledAt = now;
		if (tokens < 1) {
			throw new ConnectionRefusal(CloseCode.rateLimited, 'rate-limited', 'You are sending changes faster than the relay accepts. Wait a moment and reconnect.');
		}
		tokens -= 1;
		if (!isBinary) throw malformed('text-frame');
		// A viewer's changes are dropped (SPEC §5) before anything of them is read: decoding a big one
		// would cost the relay time that other groups wait for. Being dropped, they get no larger limit.
		if (grant.role === 'viewer' && isChange(data)) {
			if (data.length > config.maxPayloadBytes) {
				throw new ConnectionRefusal(CloseCode.tooLarge, 'message-too-large', 'This message is too large for the relay.');
			}
			metrics.refusals.add(1, { reason: 'viewer-update' });
			return;
		}
		if (data.length > messageLimit(data, config)) {
			throw new ConnectionRefusal(CloseCode.tooLarge, 'message-too-large', 'This change is too large for the relay. Split it into smaller ones.');
		}
		metrics.bytesIn.add(data.length);
		const message = decodeClientMessage(new Uint8Array(data.buffer, data.byteOffset, data.length));
		metrics.messagesIn.add(1, MESSAGE_LABELS[message.type]);
		const first = messagesHandled++ === 0;
		// A first ask while the room loads is answered from storage, before the room's doc is built.
		if (first && message.type === 'sync-step-1' && room.answersFromStorage(connection, message.stateVector)) return;
		// Nothing is answered before the room's doc is loaded (or while it is rebuilt); messages wait, in order.
		const run = (): void => {
			if (closing) return;
			const rebuilding = room.rebuilding;
			if (rebuilding) {
				void rebuilding.then(run);
				return;
			}
			try {
				// Each answer to sync step 1 is all of the group this client lacks; answering again before a
				// big one is written would pile copies up in memory. The app asks after each local change,
				// so the asks wait and get one answer (and empty ones for the rest, in order) instead.
				if (message.type === 'sync-step-1' && bigAnswerInFlight()) {
					waitingSync += 1;
					metrics.syncAnswersHeld.add();
					return;
				}
				room.receive(connection, message);
			} catch (error) {
				fail(error);
			}
		};
		// Once the room is loaded, every message that waited for it has been handled: no need to queue.
		if (room.isLoaded) run();
		else room.ready.then(run, () => {});
	};

	const fail = (error: unknown): void => {
		if (error instanceof ConnectionRefusal) {
			refuse(error);
		} else {
			log.error('message failed', { groupId: grant.groupId, error: errorText(error) });
			connection.close(CloseCode.internalError, 'The relay had a problem with this group. Reconnecting will retry.');
		}
	};

	socket.on('message', (data: Buffer, isBinary: boolean) => {
		release();
		try {
			handle(data, isBinary);
		} catch (error) {
			fail(error);
		}
	});
	// Control frames (a masked frame: 6 bytes of header and its payload) are whole as they arrive.
	socket.on('pong', (data: Buffer) => {
		alive = true;
		release(6 + data.length);
	});
	socket.on('ping', (data: Buffer) => release(6 + data.length));
	socket.on('error', (error) => {
		// ws closes the socket itself (1009 for a frame far over maxPayload, 1002 for a protocol error).
		metrics.refusals.add(1, { reason: 'ws-error' });
		log.debug('connection error', { groupId: grant.groupId, error: errorText(error) });
	});
	socket.on('close', (code: number) => {
		if (!closing) {
			closing = true;
			room.leave(connection);
		}
		finish(code);
	});

	metrics.connections.add(1);
	metrics.connectionsOpened.add();
	room.join(connection);
	return connection;
}
