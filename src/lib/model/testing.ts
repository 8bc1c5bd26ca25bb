// Helpers for model tests: actors with a fake clock and ids, and peers that exchange updates.
import * as Y from 'yjs';
import type { Actor } from './types';

export function testActor(memberId: string, start = 1_700_000_000_000): Actor & { tick(ms?: number): void } {
	let clock = start;
	let counter = 0;
	return {
		memberId,
		now: () => clock,
		newId: () => `${memberId}-${++counter}`,
		tick(ms = 1_000) {
			clock += ms;
		}
	};
}

/** A small seeded generator (mulberry32): the same sequence for the same seed, on every machine. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function newDoc(groupId = 'group-1'): Y.Doc {
	return new Y.Doc({ guid: groupId });
}

/** Sends each doc's missing updates to the others, as a relay round would. */
export function syncAll(...docs: Y.Doc[]): void {
	for (const from of docs) {
		for (const to of docs) {
			if (from === to) continue;
			Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'remote');
		}
	}
}
