// An in-memory relay for unit tests of the sync layer, the twin of the real one over the same
// messages: it asks each new socket for what it lacks, answers every sync step 1 with a step 2 in
// order, keeps one Y.Doc, passes updates and presence on, and can drop, refuse or be unreachable.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { OpenSocket, RelaySocket } from '../relay-connection';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/** Runs `fn` after the current task, like a message crossing a network. */
const later = (fn: () => void) => setTimeout(fn, 0);

export class MemorySocket implements RelaySocket {
	binaryType = 'arraybuffer';
	readyState = 0;
	onopen: ((event: unknown) => void) | null = null;
	onmessage: ((event: { data: unknown }) => void) | null = null;
	onclose: ((event: { code: number; reason: string }) => void) | null = null;
	onerror: ((event: unknown) => void) | null = null;
	readonly url: string;
	readonly #relay: MemoryRelay;

	constructor(relay: MemoryRelay, url: string) {
		this.#relay = relay;
		this.url = url;
	}

	send(data: Uint8Array): void {
		if (this.readyState !== 1) return;
		const copy = data.slice();
		later(() => this.readyState === 1 && this.#relay.receive(this, copy));
	}

	close(code = 1000, reason = ''): void {
		if (this.readyState >= 2) return;
		this.readyState = 2;
		later(() => this.#closed(code, reason));
	}

	/** The relay's side: opens the socket. */
	opened(): void {
		this.readyState = 1;
		this.onopen?.({});
	}

	/** The relay's side: a message arrives in the browser. */
	deliver(data: Uint8Array): void {
		if (this.readyState !== 1) return;
		later(() => this.readyState === 1 && this.onmessage?.({ data: data.slice().buffer }));
	}

	#closed(code: number, reason: string): void {
		this.readyState = 3;
		this.#relay.forget(this);
		this.onclose?.({ code, reason });
	}

	/** The relay's side: closes the socket with `code`. */
	closeFromRelay(code: number, reason = ''): void {
		if (this.readyState >= 2) return;
		this.readyState = 2;
		later(() => this.#closed(code, reason));
	}
}

export class MemoryRelay {
	readonly doc = new Y.Doc();
	/** Who is online, as the relay knows it (it tells each new socket). */
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly #owners = new Map<MemorySocket, Set<number>>();
	readonly sockets = new Set<MemorySocket>();
	/** Sockets opened so far, with the address they asked for. */
	readonly opened: string[] = [];
	/** While false, sockets never open (the relay is down or the network gone). */
	reachable = true;
	/** When set, sockets open and are closed at once with this code (a refusal). */
	refuseWith: number | null = null;
	/** Sync step 1 messages answered so far. */
	answered = 0;

	constructor() {
		this.awareness.setLocalState(null);
		this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
			const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]));
			for (const socket of this.sockets) if (socket !== origin) socket.deliver(message);
		});
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			const message = encode((e) => syncProtocol.writeUpdate(e, update));
			for (const socket of this.sockets) if (socket !== origin) socket.deliver(message);
		});
	}

	readonly openSocket: OpenSocket = (url) => {
		const socket = new MemorySocket(this, url);
		later(() => {
			if (!this.reachable) return socket.closeFromRelay(1006);
			this.opened.push(url);
			this.sockets.add(socket);
			socket.opened();
			if (this.refuseWith !== null) return socket.closeFromRelay(this.refuseWith, 'refused');
			socket.deliver(encode((e) => syncProtocol.writeSyncStep1(e, this.doc)));
			const states = [...this.awareness.getStates().keys()];
			if (states.length) socket.deliver(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
		});
		return socket;
	};

	receive(socket: MemorySocket, data: Uint8Array): void {
		if (!this.sockets.has(socket)) return;
		const decoder = decoding.createDecoder(data);
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			const reply = encoding.createEncoder();
			encoding.writeVarUint(reply, MESSAGE_SYNC);
			const step = syncProtocol.readSyncMessage(decoder, reply, this.doc, socket);
			if (step === syncProtocol.messageYjsSyncStep1) {
				this.answered++;
				socket.deliver(encoding.toUint8Array(reply));
			}
		} else if (type === MESSAGE_AWARENESS) {
			const update = decoding.readVarUint8Array(decoder);
			const owned = this.#owners.get(socket) ?? new Set<number>();
			this.#owners.set(socket, owned);
			for (const id of awarenessClients(update)) owned.add(id);
			awarenessProtocol.applyAwarenessUpdate(this.awareness, update, socket);
		}
	}

	forget(socket: MemorySocket): void {
		this.sockets.delete(socket);
		const owned = this.#owners.get(socket);
		this.#owners.delete(socket);
		if (owned?.size) awarenessProtocol.removeAwarenessStates(this.awareness, [...owned], socket);
	}

	/** Drops every connection, as a relay restart or a network cut would. */
	dropAll(code = 1006): void {
		for (const socket of [...this.sockets]) socket.closeFromRelay(code);
	}
}

function encode(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

function encodeAwareness(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** The client ids an awareness update speaks for. */
function awarenessClients(update: Uint8Array): number[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const ids: number[] = [];
	for (let i = 0; i < count; i++) {
		ids.push(decoding.readVarUint(decoder));
		decoding.readVarUint(decoder); // clock
		decoding.readVarString(decoder); // state
	}
	return ids;
}
