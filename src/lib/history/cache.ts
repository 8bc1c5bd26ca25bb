// The history thread's replays kept between requests: a few groups' timelines, least recently used
// dropped first, each brought up to date with only the updates logged since it was last read.
import type { PackedHistory } from './packed';
import { unpackHistory } from './packed';
import { Timeline } from './timeline';

/** Where a kept replay stands: what the store is asked for next time (see HistorySince). */
export interface ReplayMark {
	baseThrough: number;
	baseAt: number | null;
	after: number;
}

interface Kept {
	timeline: Timeline;
	baseThrough: number;
	baseAt: number | null;
}

export class TimelineCache {
	readonly #kept = new Map<string, Kept>();

	constructor(readonly maxGroups: number) {}

	/**
	 * The group's timeline brought up to date with `input`: the whole history (replayed afresh) or
	 * the updates after a mark this cache gave. Null when `input` does not follow what is kept (the
	 * group was dropped meanwhile, or the store's history changed under it): ask for the whole history.
	 */
	update(groupId: string, input: PackedHistory): Timeline | null {
		let kept = this.#kept.get(groupId);
		if (input.after === null) {
			this.forget(groupId);
			const history = unpackHistory(input);
			kept = { timeline: new Timeline(history.base, history.baseAt), baseThrough: input.baseThrough, baseAt: input.baseAt };
			kept.timeline.add(history.updates);
		} else {
			const follows =
				kept &&
				kept.baseThrough === input.baseThrough &&
				kept.baseAt === input.baseAt &&
				kept.timeline.lastSeq >= input.after &&
				// Every update up to the kept replay's last, counted by the store: none came in late.
				kept.timeline.count === input.countThrough + countUpTo(input.seqs, kept.timeline.lastSeq);
			if (!follows || !kept) {
				this.forget(groupId);
				return null;
			}
			kept.timeline.add(unpackHistory(input).updates);
		}
		this.#kept.delete(groupId);
		this.#kept.set(groupId, kept);
		while (this.#kept.size > this.maxGroups) this.forget(this.#kept.keys().next().value!);
		return kept.timeline;
	}

	mark(groupId: string): ReplayMark | null {
		const kept = this.#kept.get(groupId);
		return kept ? { baseThrough: kept.baseThrough, baseAt: kept.baseAt, after: kept.timeline.lastSeq } : null;
	}

	forget(groupId: string): void {
		this.#kept.get(groupId)?.timeline.destroy();
		this.#kept.delete(groupId);
	}

	get size(): number {
		return this.#kept.size;
	}
}

function countUpTo(seqs: Float64Array, seq: number): number {
	let n = 0;
	for (const s of seqs) if (s <= seq) n++;
	return n;
}
