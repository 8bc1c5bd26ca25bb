// Only owners hide and restore: a raw y-protocols client with an editor's token forges hide
// decisions, and the relay drops each one whole (not stored, passed on to no one, counted), while
// the same client's ordinary changes and an owner's decisions reach the other members.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { addItem, addNote, createGroup, isHidden, readAllNotes, readHidden, roots, setHidden } from '../../src/lib/model/index.ts';
import { connectMember, eventually, newToken, startTestRelay, type TestMember, type TestRelay } from '../helpers/relay.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function member(relay: TestRelay, groupId: string, token: string, create = false): TestMember {
	const m = connectMember(relay.wsUrl, groupId, { token, create });
	cleanups.push(() => m.destroy());
	return m;
}

function post(relay: TestRelay, path: string, token: string, body: unknown): Promise<{ status: number; body: { token: string } }> {
	return new Promise((resolve, reject) => {
		const req = request(`${relay.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
		req.on('response', (res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
		});
		req.on('error', reject);
		req.end(JSON.stringify(body));
	});
}

function metrics(relay: TestRelay): Promise<string> {
	return fetch(`${relay.url}/metrics`).then((res) => res.text());
}

/** A raw client: sends y-protocols update messages and counts what it receives. */
async function rawClient(relay: TestRelay, groupId: string, token: string): Promise<{ sendUpdate(update: Uint8Array): void; closed: () => boolean }> {
	const socket = new WebSocket(`${relay.wsUrl}/${groupId}?token=${token}`);
	socket.on('error', () => {});
	let closed = false;
	socket.on('close', () => (closed = true));
	await new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve());
		socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
	});
	cleanups.push(() => socket.terminate());
	return {
		sendUpdate(update) {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0); // messageSync
			syncProtocol.writeUpdate(encoder, update);
			socket.send(encoding.toUint8Array(encoder));
		},
		closed: () => closed
	};
}

/** A copy of `source` that writes as its own client; `change` returns the update a write makes. */
function forger(source: Y.Doc) {
	const doc = new Y.Doc({ guid: source.guid });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
	return {
		doc,
		change(fn: (doc: Y.Doc) => void): Uint8Array {
			const before = Y.encodeStateVector(doc);
			fn(doc);
			return Y.encodeStateAsUpdate(doc, before);
		}
	};
}

describe('hiding is for owners', () => {
	it('drops an editor’s forged hide and forged restore; passes an owner’s hide on', async () => {
		const relay = await startTestRelay();
		cleanups.push(() => relay.stop());
		const groupId = `g${newToken().slice(0, 8)}`;
		const ownerToken = newToken();
		const owner = member(relay, groupId, ownerToken, true);
		await eventually(() => owner.provider.synced);
		const ownerActor = { memberId: 'owner' };
		createGroup(owner.doc, ownerActor, { name: 'Moderated' });
		const { itemId } = addItem(owner.doc, ownerActor, { url: 'https://example.org/one', title: 'One' });
		const noteId = addNote(owner.doc, ownerActor, itemId, { text: 'Buy cheap pills' });
		const target = { kind: 'note' as const, id: noteId };

		const invite = async (role: string) => {
			const res = await post(relay, `/api/groups/${groupId}/invites`, ownerToken, { role });
			expect(res.status).toBe(201);
			return res.body.token;
		};
		const editorToken = await invite('editor');
		const other = member(relay, groupId, await invite('editor'));
		await eventually(() => expect(readAllNotes(other.doc).map((n) => n.id)).toEqual([noteId]));
		const editor = await rawClient(relay, groupId, editorToken);
		const editorActor = { memberId: 'editor' };

		// A forged hide, then an ordinary note from the same connection: the note arrives, the hide never does.
		const forgedHide = forger(owner.doc).change((doc) => setHidden(doc, editorActor, target, true));
		editor.sendUpdate(forgedHide);
		const honest = forger(owner.doc).change((doc) => addNote(doc, editorActor, itemId, { text: 'An honest note' }));
		editor.sendUpdate(honest);
		await eventually(() => expect(readAllNotes(other.doc)).toHaveLength(2));
		await eventually(async () => expect(await metrics(relay)).toMatch(/relay_refusals_total\{reason="hide-not-owner"\} 1\b/));
		expect(readHidden(other.doc).size).toBe(0);
		expect(readHidden(owner.doc).size).toBe(0);
		expect(readHidden((await relay.relay.loadGroupDoc(groupId))!).size).toBe(0);
		expect(editor.closed()).toBe(false);

		// The owner's hide reaches the other member.
		setHidden(owner.doc, ownerActor, target, true);
		await eventually(() => expect(isHidden(readHidden(other.doc), target)).toBe(true));

		// Forged restores: overwriting the owner's decision, and removing it.
		const overwrite = forger(owner.doc).change((doc) => setHidden(doc, editorActor, target, false));
		const removal = forger(owner.doc).change((doc) => roots(doc).hidden.delete(`note\u001f${noteId}`));
		editor.sendUpdate(overwrite);
		editor.sendUpdate(removal);
		const second = forger(owner.doc).change((doc) => addNote(doc, editorActor, itemId, { text: 'Another honest note' }));
		editor.sendUpdate(second);
		await eventually(() => expect(readAllNotes(other.doc)).toHaveLength(3));
		await eventually(async () => expect(await metrics(relay)).toMatch(/relay_refusals_total\{reason="hide-not-owner"\} 3\b/));
		expect(isHidden(readHidden(other.doc), target)).toBe(true);
		expect(isHidden(readHidden((await relay.relay.loadGroupDoc(groupId))!), target)).toBe(true);
		expect(readHidden(other.doc).get(`note\u001f${noteId}`)?.by).toBe('owner');
	});
});
