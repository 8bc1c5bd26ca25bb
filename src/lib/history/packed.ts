// A history in a few flat buffers instead of one object per update, so it crosses between threads
// by transfer (no copy, no per-update work on the event loop) however many updates it holds.
import type { HistoryAuthor, HistoryInput, HistoryUpdate } from './replay';

export interface PackedHistory {
	base: Uint8Array | null;
	baseAt: number | null;
	/** Every update's bytes, one after another; update i ends at `ends[i]`. */
	bodies: Uint8Array;
	ends: Float64Array;
	seqs: Float64Array;
	/** Index into `authors`, -1 for none. */
	authorOf: Int32Array;
	/** When each update was accepted (authors' `at`). */
	ats: Float64Array;
	/** Each token and name once. */
	authors: { tokenId: string; name: string }[];
	/** The seq the base holds everything through (0: the empty group). */
	baseThrough: number;
	/**
	 * Null: every update kept after the base. A seq: only the updates after it, for a reader that
	 * replayed the rest already (the base is then left out).
	 */
	after: number | null;
	/** With `after`: how many kept updates lie between the base and it, to check the reader has them all. */
	countThrough: number;
}

/** Which part of a history a pack holds (see PackedHistory). */
export type HistoryExtent = Pick<PackedHistory, 'baseThrough' | 'after' | 'countThrough'>;

export const WHOLE_HISTORY: HistoryExtent = Object.freeze({ baseThrough: 0, after: null, countThrough: 0 });

export function packHistory(history: HistoryInput, extent: HistoryExtent = WHOLE_HISTORY): PackedHistory {
	const { updates } = history;
	let total = 0;
	for (const update of updates) total += update.body.length;
	const bodies = new Uint8Array(total);
	const ends = new Float64Array(updates.length);
	const seqs = new Float64Array(updates.length);
	const authorOf = new Int32Array(updates.length);
	const ats = new Float64Array(updates.length);
	const authors: { tokenId: string; name: string }[] = [];
	const known = new Map<string, number>();
	let offset = 0;
	updates.forEach((update, i) => {
		bodies.set(update.body, offset);
		offset += update.body.length;
		ends[i] = offset;
		seqs[i] = update.seq;
		ats[i] = update.author?.at ?? 0;
		if (!update.author) {
			authorOf[i] = -1;
			return;
		}
		const key = `${update.author.tokenId}\u001f${update.author.name}`;
		let index = known.get(key);
		if (index === undefined) {
			known.set(key, (index = authors.length));
			authors.push({ tokenId: update.author.tokenId, name: update.author.name });
		}
		authorOf[i] = index;
	});
	// Copied, so transferring the pack never takes a buffer its owner still uses.
	return { base: history.base ? history.base.slice() : null, baseAt: history.baseAt, bodies, ends, seqs, authorOf, ats, authors, ...extent };
}

/** The updates as views into the packed bytes (nothing copied). */
export function unpackHistory(packed: PackedHistory): HistoryInput {
	const updates: HistoryUpdate[] = new Array(packed.seqs.length);
	let start = 0;
	for (let i = 0; i < packed.seqs.length; i++) {
		const end = packed.ends[i];
		const ref = packed.authorOf[i];
		const author: HistoryAuthor | null = ref < 0 ? null : { ...packed.authors[ref], at: packed.ats[i] };
		updates[i] = { seq: packed.seqs[i], body: packed.bodies.subarray(start, end), author };
		start = end;
	}
	return { base: packed.base, baseAt: packed.baseAt, updates };
}

/** What to transfer with a packed history. */
export function packedBuffers(packed: PackedHistory): ArrayBuffer[] {
	const buffers = [packed.bodies, packed.ends, packed.seqs, packed.authorOf, packed.ats, ...(packed.base ? [packed.base] : [])].map((view) => view.buffer as ArrayBuffer);
	return [...new Set(buffers)];
}
