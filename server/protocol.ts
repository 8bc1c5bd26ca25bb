// The y-websocket wire protocol as the relay speaks it: decoding what a client sends (refusing
// anything malformed by name), and encoding what the relay sends back.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

/** WebSocket close codes (SPEC §4), shared with the app: 4400–4499 are permanent refusals. */
export { CloseCode } from '../src/lib/rules/index';
import { CloseCode } from '../src/lib/rules/index';

/** A reason to close one connection: its close code, a metrics label, and words for the member. */
export class ConnectionRefusal extends Error {
	override name = 'ConnectionRefusal';
	constructor(
		readonly code: number,
		readonly reason: string,
		message: string
	) {
		super(message);
	}
}

export const malformed = (reason: string): ConnectionRefusal =>
	new ConnectionRefusal(CloseCode.malformed, reason, 'The relay could not read a message from this app. Reload the page; if it keeps happening, update the app.');

export type ClientMessage =
	| { type: 'sync-step-1'; stateVector: Uint8Array }
	| { type: 'sync-step-2'; update: Uint8Array }
	| { type: 'update'; update: Uint8Array }
	| { type: 'awareness'; update: Uint8Array }
	| { type: 'query-awareness' };

function readBytes(decoder: decoding.Decoder): Uint8Array {
	const length = decoding.readVarUint(decoder);
	if (length > decoder.arr.length - decoder.pos) throw malformed('truncated');
	return decoding.readUint8Array(decoder, length);
}

/** Checks that `update` is a Yjs update the relay can apply, without touching any document. */
export function checkUpdate(update: Uint8Array): void {
	try {
		Y.decodeUpdate(update);
	} catch {
		throw malformed('bad-update');
	}
}

/** Decodes one binary message from a client; throws a ConnectionRefusal when it is not well formed. */
export function decodeClientMessage(message: Uint8Array): ClientMessage {
	const decoder = decoding.createDecoder(message);
	let decoded: ClientMessage;
	try {
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			const step = decoding.readVarUint(decoder);
			const body = readBytes(decoder);
			if (step === syncProtocol.messageYjsSyncStep1) {
				Y.decodeStateVector(body);
				decoded = { type: 'sync-step-1', stateVector: body };
			} else if (step === syncProtocol.messageYjsSyncStep2) {
				decoded = { type: 'sync-step-2', update: body };
			} else if (step === syncProtocol.messageYjsUpdate) {
				decoded = { type: 'update', update: body };
			} else {
				throw malformed('unknown-sync-step');
			}
		} else if (type === MESSAGE_AWARENESS) {
			decoded = { type: 'awareness', update: readBytes(decoder) };
		} else if (type === MESSAGE_QUERY_AWARENESS) {
			decoded = { type: 'query-awareness' };
		} else {
			throw malformed('unknown-type');
		}
	} catch (error) {
		if (error instanceof ConnectionRefusal) throw error;
		throw malformed('undecodable');
	}
	if (decoder.pos !== message.length) throw malformed('trailing-bytes');
	// A change's own bytes are read once, by the room that applies it (see `Room.applyFrom`).
	return decoded;
}

/** Sync step 1: the relay's state vector, asking the client for what the relay is missing. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep1(encoder, doc);
	return encoding.toUint8Array(encoder);
}

/** Sync step 1 for a state known only as a state vector (of what is stored, before a doc is built from it). */
export function encodeStoredSyncStep1(stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
	encoding.writeVarUint8Array(encoder, stateVector);
	return encoding.toUint8Array(encoder);
}

/** Sync step 2: everything in `doc` that a peer with `stateVector` lacks. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep2(encoder, doc, stateVector);
	return encoding.toUint8Array(encoder);
}

/** A sync step 2 carrying an update as stored (a whole group from storage, before its doc is loaded). */
export function encodeStoredSyncStep2(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** One client's entry in an awareness update: its id, clock and state as JSON text ('null' when it left). */
export interface AwarenessEntry {
	clientId: number;
	clock: number;
	state: string;
}

/** Reads the entries of an awareness update; throws a ConnectionRefusal when it is not well formed. */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
	try {
		const decoder = decoding.createDecoder(update);
		const count = decoding.readVarUint(decoder);
		const entries: AwarenessEntry[] = [];
		for (let i = 0; i < count; i++) {
			const clientId = decoding.readVarUint(decoder);
			const clock = decoding.readVarUint(decoder);
			const state = decoding.readVarString(decoder);
			JSON.parse(state);
			entries.push({ clientId, clock, state });
		}
		if (decoder.pos !== update.length) throw new Error('trailing bytes');
		return entries;
	} catch {
		throw malformed('bad-awareness');
	}
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.state);
	}
	return encoding.toUint8Array(encoder);
}
