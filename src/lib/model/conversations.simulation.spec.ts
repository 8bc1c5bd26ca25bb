// Threads under a partitioned network, as a property: several members, each offline, reply to
// notes, highlights and each other's replies, edit and delete their own; then updates arrive in any
// order, some twice. Every reply survives, nothing else's is changed, and all peers converge.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as model from './index';
import { newDoc, syncAll, testActor } from './testing';

type Action =
	| { type: 'reply'; peer: number; parent: number; text: string }
	| { type: 'edit'; peer: number; reply: number; text: string }
	| { type: 'delete'; peer: number; reply: number }
	| { type: 'sync'; from: number; to: number };

const words = fc.array(fc.constantFrom('oui', 'non', '😀', '<b>x</b>', '@[Ana](member:m0)', 'voir', '\n'), { minLength: 1, maxLength: 5 }).map((w) => w.join(' ')).filter((w) => w.trim() !== '');

const action = (peers: number): fc.Arbitrary<Action> =>
	fc.oneof(
		{ weight: 5, arbitrary: fc.record({ type: fc.constant('reply' as const), peer: fc.nat(peers - 1), parent: fc.nat(40), text: words }) },
		{ weight: 2, arbitrary: fc.record({ type: fc.constant('edit' as const), peer: fc.nat(peers - 1), reply: fc.nat(40), text: words }) },
		{ weight: 1, arbitrary: fc.record({ type: fc.constant('delete' as const), peer: fc.nat(peers - 1), reply: fc.nat(40) }) },
		{ weight: 1, arbitrary: fc.record({ type: fc.constant('sync' as const), from: fc.nat(peers - 1), to: fc.nat(peers - 1) }) }
	);

const scenario = fc.integer({ min: 2, max: 5 }).chain((peers) =>
	fc.record({
		peers: fc.constant(peers),
		actions: fc.array(action(peers), { minLength: 1, maxLength: 40 }),
		order: fc.array(fc.nat(), { maxLength: 200 }),
		duplicates: fc.array(fc.nat(), { maxLength: 20 })
	})
);

describe('concurrent offline replies (property)', () => {
	it('keeps every reply made offline by several members, and all peers converge', () => {
		fc.assert(
			fc.property(scenario, ({ peers: count, actions, order, duplicates }) => {
				const base = newDoc('threads');
				const founder = testActor('m0');
				model.createGroup(base, founder, { name: 'G', member: { name: 'Ana', color: '#112233' } });
				const { itemId } = model.addItem(base, founder, { url: 'https://e.org/a' });
				const noteId = model.addNote(base, founder, itemId, { text: 'note' });
				const highlightId = model.addHighlight(base, founder, itemId, { exact: 'passage' });
				const start = Y.encodeStateAsUpdate(base);

				const updates: Uint8Array[] = [];
				const peers = Array.from({ length: count }, (_, i) => {
					const doc = newDoc('threads');
					Y.applyUpdate(doc, start, 'remote');
					doc.on('update', (update: Uint8Array, origin: unknown) => {
						if (origin !== 'remote') updates.push(update);
					});
					return { doc, actor: testActor(`m${i}`, 1_700_000_000_000 + i) };
				});
				const created = new Map<string, string>(); // reply id -> author
				const texts = new Map<string, string>(); // reply id -> last text its author wrote

				for (const a of actions) {
					if (a.type === 'sync') {
						if (a.from !== a.to) syncAll(peers[a.from].doc, peers[a.to].doc);
						continue;
					}
					const { doc, actor } = peers[a.peer];
					actor.tick();
					const known = model.readAllReplies(doc);
					if (a.type === 'reply') {
						const parents = [{ kind: 'note' as const, id: noteId }, { kind: 'highlight' as const, id: highlightId }, ...known.map((r) => ({ kind: 'reply' as const, id: r.id }))];
						const id = model.addReply(doc, actor, parents[a.parent % parents.length], { text: a.text });
						created.set(id, actor.memberId);
						texts.set(id, a.text);
						continue;
					}
					const own = known.filter((r) => r.createdBy === actor.memberId);
					if (!own.length) continue;
					const reply = own[a.reply % own.length];
					if (a.type === 'edit') model.editReply(doc, actor, reply.id, a.text);
					else if (reply.deletedAt === null) model.deleteReply(doc, actor, reply.id);
					else model.restoreReply(doc, actor, reply.id);
				}

				// Every update reaches every peer, in a shuffled order, some twice.
				const delivery = [...updates];
				for (let i = 0; i < order.length && delivery.length > 1; i++) {
					const j = order[i] % delivery.length;
					const k = (i * 7919) % delivery.length;
					[delivery[j], delivery[k]] = [delivery[k], delivery[j]];
				}
				for (const d of duplicates) if (updates.length) delivery.push(updates[d % updates.length]);
				for (const { doc } of peers) for (const update of delivery) Y.applyUpdate(doc, update, 'remote');

				const expected = model.readAllReplies(peers[0].doc);
				expect(new Set(expected.map((r) => r.id))).toEqual(new Set(created.keys()));
				for (const reply of expected) expect(reply.createdBy).toBe(created.get(reply.id));
				for (const { doc } of peers) {
					expect(model.readAllReplies(doc)).toEqual(expected);
					expect(doc.toJSON()).toEqual(peers[0].doc.toJSON());
				}
				// A reply only its author's devices wrote holds what that author last wrote when it had no concurrent edit.
				const item = model.getItem(peers[0].doc, itemId)!;
				const live = expected.filter((r) => r.deletedAt === null).length;
				expect(model.replyCount(item)).toBe(live);
				const trees = [...model.replyTree(expected, { kind: 'note', id: noteId }), ...model.replyTree(expected, { kind: 'highlight', id: highlightId })];
				expect(model.countTree(trees)).toBe(live);
				for (const reply of expected) if (reply.editedAt === null) expect(reply.text).toBe(texts.get(reply.id) ?? reply.text);
			}),
			{ numRuns: Number(process.env.SIMULATION_SEEDS ?? 150), seed: Number(process.env.SIMULATION_SEED ?? 15) }
		);
	}, 120_000);
});
