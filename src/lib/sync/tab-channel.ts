// Keeps the tabs of one browser that have the same group open in step over a BroadcastChannel:
// document updates and presence, with the same sync messages the relay speaks. Works offline.
import type * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

export interface TabChannel {
	/** The origin of transactions that apply what another tab sent. */
	readonly origin: unknown;
	destroy(): void;
}

/**
 * Joins the channel `name` (one per group) for `doc` and `awareness`; a no-op without BroadcastChannel.
 * Updates whose origin `fromRelay` recognises are not passed on: every tab has its own connection.
 */
export function joinTabs(name: string, doc: Y.Doc, awareness: awarenessProtocol.Awareness, fromRelay: (origin: unknown) => boolean = () => false): TabChannel {
	const origin = { tabs: name };
	if (typeof BroadcastChannel === 'undefined') return { origin, destroy() {} };
	const channel = new BroadcastChannel(name);
	let closed = false;
	const post = (encoder: encoding.Encoder) => {
		if (!closed) channel.postMessage(encoding.toUint8Array(encoder));
	};
	const message = (type: number, write: (encoder: encoding.Encoder) => void) => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, type);
		write(encoder);
		return encoder;
	};

	channel.onmessage = (event: MessageEvent) => {
		const data = event.data;
		if (!(data instanceof Uint8Array)) return;
		try {
			const decoder = decoding.createDecoder(data);
			const type = decoding.readVarUint(decoder);
			if (type === MESSAGE_SYNC) {
				const reply = message(MESSAGE_SYNC, () => {});
				syncProtocol.readSyncMessage(decoder, reply, doc, origin);
				if (encoding.length(reply) > 1) post(reply);
			} else if (type === MESSAGE_AWARENESS) {
				awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), origin);
			} else if (type === MESSAGE_QUERY_AWARENESS) {
				post(message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))));
			}
		} catch {
			// Another tab of another version: ignored.
		}
	};

	const onUpdate = (update: Uint8Array, updateOrigin: unknown) => {
		if (updateOrigin === origin || fromRelay(updateOrigin)) return;
		post(message(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update)));
	};
	const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, updateOrigin: unknown) => {
		if (updateOrigin === origin) return;
		const own = awareness.clientID;
		if (!added.includes(own) && !updated.includes(own) && !removed.includes(own)) return;
		post(message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [own]))));
	};
	doc.on('update', onUpdate);
	awareness.on('update', onAwareness);

	// Say hello: ask the other tabs for what this one lacks, and who is here. (Tabs share browser
	// storage, so what this tab holds is theirs already; changes from now on go out as updates.)
	post(message(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep1(e, doc)));
	post(message(MESSAGE_QUERY_AWARENESS, () => {}));
	if (awareness.getLocalState() !== null) {
		post(message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))));
	}

	return {
		origin,
		destroy() {
			if (closed) return;
			doc.off('update', onUpdate);
			awareness.off('update', onAwareness);
			// Tell the other tabs this one is gone before leaving.
			awarenessProtocol.removeAwarenessStates(awareness, [awareness.clientID], 'tab closed');
			post(message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))));
			closed = true;
			channel.close();
		}
	};
}
