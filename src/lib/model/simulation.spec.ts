// Invariant 1 and 2 under a seeded network: 3–5 peers run random actions from the whole API while
// updates are delivered late, out of order, twice, or lost while a peer is offline (then resynced).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as model from './index';
import { seededRandom } from './testing';
import type { Actor } from './types';

const SEEDS = Number(process.env.SIMULATION_SEEDS ?? 200);
const URLS = ['https://e.org/a', 'https://E.org/a/', 'https://e.org/b?utm_source=x', 'https://e.org/c', 'https://f.net/', 'https://f.net/d#x'];
const TAGS = ['amateur', 'travail', 'Digital Labor', 'économie', '<b>x</b>'];
const WORDS = ['the', 'amateur', 'contribue', '😀', '<script>', '&amp;', 'valeur', '\n'];

interface Peer {
	doc: Y.Doc;
	actor: Actor;
	online: boolean;
	inbox: Uint8Array[];
}

function simulate(seed: number): void {
	const random = seededRandom(seed);
	const int = (n: number) => Math.floor(random() * n);
	const pick = <T>(list: readonly T[]): T => list[int(list.length)];
	const all: Uint8Array[] = [];
	const createdHighlights = new Set<string>();
	const createdNotes = new Set<string>();
	const createdReplies = new Set<string>();
	let clock = 1_700_000_000_000;

	const peers: Peer[] = Array.from({ length: 3 + int(3) }, (_, i) => {
		let counter = 0;
		const doc = new Y.Doc({ guid: 'sim' });
		const peer: Peer = {
			doc,
			online: true,
			inbox: [],
			actor: { memberId: `m${i % 3}`, now: () => (clock += 1 + int(5_000)), newId: () => `p${i}-${++counter}` }
		};
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === 'remote') return;
			all.push(update);
			for (const other of peers) if (other !== peer && other.online && peer.online) other.inbox.push(update);
		});
		return peer;
	});

	model.createGroup(peers[0].doc, peers[0].actor, { name: 'Sim', member: { name: 'Zero', color: '#123456' } });

	const resync = (peer: Peer) => {
		for (const other of peers) {
			if (other === peer || !other.online) continue;
			Y.applyUpdate(peer.doc, Y.encodeStateAsUpdate(other.doc, Y.encodeStateVector(peer.doc)), 'remote');
			Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(peer.doc, Y.encodeStateVector(other.doc)), 'remote');
		}
	};

	// A refused action (empty text, say) must leave the document exactly as it was.
	const act = (peer: Peer) => {
		const before = Y.encodeStateVector(peer.doc);
		try {
			actOn(peer);
		} catch (error) {
			if (!(error instanceof model.ModelError)) throw error;
			expect(Y.encodeStateVector(peer.doc)).toEqual(before);
		}
	};

	const actOn = (peer: Peer) => {
		const { doc, actor } = peer;
		if (!model.hasGroup(doc)) return;
		const items = model.readAllItems(doc);
		const item = items.length ? pick(items) : null;
		const highlights = model.readAllHighlights(doc);
		const notes = model.readAllNotes(doc);
		const text = () => Array.from({ length: 1 + int(4) }, () => pick(WORDS)).join(' ');
		const replies = model.readAllReplies(doc);
		const choice = int(21);
		if (choice < 4 || !item) {
			model.addItem(doc, actor, { url: pick(URLS), title: random() < 0.7 ? text() : undefined, tags: [pick(TAGS)], description: random() < 0.3 ? text() : undefined });
			return;
		}
		switch (choice) {
			case 4: return model.editItem(doc, actor, item.id, random() < 0.5 ? { title: text() } : { description: item.description + text() });
			case 5: return random() < 0.5 ? model.deleteItem(doc, actor, item.id) : model.restoreItem(doc, actor, item.id);
			case 6: model.addTags(doc, actor, item.id, [pick(TAGS)]); return;
			case 7: return item.tags.length ? model.removeTag(doc, actor, item.id, pick(item.tags)) : undefined;
			case 8: return model.setTags(doc, actor, item.id, [pick(TAGS), pick(TAGS)]);
			case 9: return model.countView(doc, actor, item.id);
			case 10: {
				createdHighlights.add(model.addHighlight(doc, actor, item.id, { exact: text(), prefix: pick(WORDS), note: random() < 0.5 ? text() : '' }));
				return;
			}
			case 11: {
				createdNotes.add(model.addNote(doc, actor, item.id, { text: text() }));
				return;
			}
			case 12: {
				if (!notes.length) return;
				const note = pick(notes);
				const at = int(note.text.length + 1);
				return model.editNote(doc, actor, note.id, note.text.slice(0, at) + pick(WORDS) + note.text.slice(at + int(3)));
			}
			case 13: {
				if (!highlights.length) return;
				const h = pick(highlights);
				return model.editHighlight(doc, actor, h.id, { note: h.note + pick(WORDS) });
			}
			case 14: {
				if (!notes.length) return;
				const note = pick(notes);
				return note.deletedAt ? model.restoreNote(doc, actor, note.id) : model.deleteNote(doc, actor, note.id);
			}
			case 15: {
				if (!highlights.length) return;
				const h = pick(highlights);
				return h.deletedAt ? model.restoreHighlight(doc, actor, h.id) : model.deleteHighlight(doc, actor, h.id);
			}
			case 16: return model.setMemberProfile(doc, actor, { name: text().replace(/\n/g, ' ').trim() || 'X', color: '#00ff00' });
			case 17: {
				const parents = [...notes.map((n) => ({ kind: 'note' as const, id: n.id })), ...highlights.map((h) => ({ kind: 'highlight' as const, id: h.id })), ...replies.map((r) => ({ kind: 'reply' as const, id: r.id }))];
				if (!parents.length) return;
				createdReplies.add(model.addReply(doc, actor, pick(parents), { text: text() }));
				return;
			}
			case 18: {
				const own = replies.filter((r) => r.createdBy === actor.memberId);
				if (!own.length) return;
				const r = pick(own);
				if (random() < 0.6) return model.editReply(doc, actor, r.id, r.text + pick(WORDS));
				return r.deletedAt ? model.restoreReply(doc, actor, r.id) : model.deleteReply(doc, actor, r.id);
			}
			case 19: {
				const targets = [{ kind: 'item' as const, id: item.id }, ...notes.map((n) => ({ kind: 'note' as const, id: n.id })), ...replies.map((r) => ({ kind: 'reply' as const, id: r.id }))];
				const target = pick(targets);
				if (random() < 0.5) return model.setHidden(doc, actor, target, random() < 0.7);
				return random() < 0.8 ? model.flag(doc, actor, target, text()) : model.unflag(doc, actor, target);
			}
			default: return model.renameGroup(doc, actor, `Group ${int(100)}`);
		}
	};

	const steps = 40 + int(60);
	for (let step = 0; step < steps; step++) {
		const peer = pick(peers);
		const roll = random();
		if (roll < 0.45) {
			if (peer.online) act(peer);
			else if (random() < 0.5) act(peer); // offline peers keep writing
		} else if (roll < 0.85) {
			if (!peer.online || peer.inbox.length === 0) continue;
			const index = int(peer.inbox.length);
			const update = peer.inbox[index];
			if (random() < 0.8) peer.inbox.splice(index, 1); // else it will be delivered again
			Y.applyUpdate(peer.doc, update, 'remote');
		} else if (roll < 0.93) {
			if (peer.online) {
				peer.online = false;
				peer.inbox = []; // a dropped connection loses what was in flight
			}
		} else if (!peer.online) {
			peer.online = true;
			resync(peer);
		}
	}

	// Everyone comes back, drains the network, and resyncs as a reconnecting provider would.
	for (const peer of peers) {
		if (!peer.online) {
			peer.online = true;
			resync(peer);
		}
	}
	for (const peer of peers) {
		while (peer.inbox.length) Y.applyUpdate(peer.doc, peer.inbox.splice(int(peer.inbox.length), 1)[0], 'remote');
	}
	for (const peer of peers) resync(peer);

	const rebuilt = new Y.Doc({ guid: 'sim' });
	Y.applyUpdate(rebuilt, Y.mergeUpdates(all));
	const expected = model.readGroup(rebuilt);
	const expectedJson = rebuilt.toJSON();
	for (const peer of peers) {
		expect(Y.encodeStateVector(peer.doc)).toEqual(Y.encodeStateVector(rebuilt));
		expect(model.readGroup(peer.doc)).toEqual(expected);
		expect(peer.doc.toJSON()).toEqual(expectedJson);
	}
	// No highlight or note is ever dropped, deleted or not.
	expect(new Set(model.readAllHighlights(rebuilt).map((h) => h.id))).toEqual(createdHighlights);
	expect(new Set(model.readAllNotes(rebuilt).map((n) => n.id))).toEqual(createdNotes);
	expect(new Set(model.readAllReplies(rebuilt).map((r) => r.id))).toEqual(createdReplies);
	for (const peer of peers) {
		expect(model.readFlags(peer.doc)).toEqual(model.readFlags(rebuilt));
		expect(model.readHidden(peer.doc)).toEqual(model.readHidden(rebuilt));
	}
	// Saves of one page by several peers always end as one item.
	const urls = model.readAllItems(rebuilt).map((i) => i.url);
	expect(new Set(urls).size).toBe(urls.length);
}

describe(`seeded multi-peer simulation (${SEEDS} seeds)`, () => {
	it('all peers converge to the doc rebuilt from every update, losing nothing', () => {
		const base = Number(process.env.SIMULATION_SEED_BASE ?? 1);
		for (let seed = base; seed < base + SEEDS; seed++) {
			try {
				simulate(seed);
			} catch (error) {
				(error as Error).message = `simulation failed for seed ${seed} (rerun with SIMULATION_SEED_BASE=${seed} SIMULATION_SEEDS=1): ${(error as Error).message}`;
				throw error;
			}
		}
	}, 120_000);
});
