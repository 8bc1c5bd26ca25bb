// An item's timeline and the group's recent changes: the history replayed in order, each touched
// item's version diffed against the one before. A member's changes to one item within a few minutes
// are one entry (typing a note is many updates), so the timeline reads like what people did.
import { roots } from '../model/schema';
import { EMPTY_VERSION, readItemVersion, type ItemVersion } from '../model/version';
import { diffVersions, type Change } from './changes';
import { Replay, type HistoryInput, type HistoryUpdate } from './replay';

/** One member's edits to one item this close together are one entry. */
export const COALESCE_MS = 5 * 60_000;

export interface EntryAuthor {
	tokenId: string | null;
	/** The group member the token wrote as, when the history shows it. */
	memberId: string | null;
	name: string;
}

export interface TimelineEntry {
	/** The seq of the entry's last update: where "view as it was" and paging point. */
	id: number;
	firstSeq: number;
	/** When the relay accepted the entry's last update (0: not recorded). */
	at: number;
	by: EntryAuthor;
	itemId: string;
	/** The item's title (or address) after the entry, for the group's feed. */
	itemTitle: string;
	changes: Change[];
}

export interface TimelineQuery {
	/** One item's timeline; without, the group's recent changes. */
	itemId?: string;
	/** Entries older than this entry id; without, the newest. */
	before?: number;
	limit: number;
}

export interface TimelinePage {
	entries: TimelineEntry[];
	/** Pass as `before` for the next page; null on the last page. */
	next: number | null;
	/** When the kept history starts (the checkpoint it is replayed from); null: from the beginning. */
	since: number | null;
}

interface OpenEntry {
	tokenId: string | null;
	name: string;
	firstSeq: number;
	lastSeq: number;
	lastAt: number;
	before: ItemVersion;
	after: ItemVersion;
}

/**
 * Consecutive updates of one author, each within COALESCE_MS of the one before: replayed together,
 * since the timeline would make them one entry for every item they touch anyway.
 */
function* runs(updates: readonly HistoryUpdate[]): Generator<HistoryUpdate[]> {
	let run: HistoryUpdate[] = [];
	for (const update of updates) {
		if (run.length > 0 && !continues(run, update)) {
			yield run;
			run = [];
		}
		run.push(update);
	}
	if (run.length > 0) yield run;
}

interface ClosedEntry {
	tokenId: string | null;
	name: string;
	firstSeq: number;
	lastSeq: number;
	lastAt: number;
	itemId: string;
	itemTitle: string;
	changes: Change[];
}

/** What the last run changed in the bookkeeping, so a run that goes on past it is redone whole. */
interface LastRun {
	updates: HistoryUpdate[];
	touched: Set<string>;
	versions: Map<string, ItemVersion>;
	open: Map<string, OpenEntry>;
	closed: number;
}

function closeEntry(itemId: string, entry: OpenEntry): ClosedEntry | null {
	const changes = diffVersions(entry.before, entry.after);
	if (changes.length === 0) return null;
	const { tokenId, name, firstSeq, lastSeq, lastAt } = entry;
	return { tokenId, name, firstSeq, lastSeq, lastAt, itemId, itemTitle: entry.after.title || entry.after.url, changes };
}

/**
 * A group's history replayed so far, with every item's entries: built once, then given the updates
 * logged since (`add`), it answers timelines exactly as a replay of the whole history would.
 */
export class Timeline {
	readonly replay: Replay;
	readonly #versions = new Map<string, ItemVersion>();
	readonly #open = new Map<string, OpenEntry>();
	readonly #closed: ClosedEntry[] = [];
	readonly #since: number | null;
	#lastRun: LastRun | null = null;
	/** The seq of the last update replayed (0: none yet) and how many were. */
	lastSeq = 0;
	count = 0;

	constructor(base: Uint8Array | null, baseAt: number | null) {
		this.replay = new Replay(base);
		this.#since = base ? baseAt : null;
		// The version every item had at the checkpoint: what its first entry is compared with.
		for (const itemId of this.replay.itemIds()) this.#versions.set(itemId, readItemVersion(this.replay.doc, itemId, this.replay.index));
	}

	/** Replays updates logged after everything replayed so far, in seq order. */
	add(updates: readonly HistoryUpdate[]): void {
		const fresh = updates.filter((update) => update.seq > this.lastSeq);
		if (fresh.length === 0) return;
		const list = [...runs(fresh)];
		const last = this.#lastRun;
		if (last && continues(last.updates, list[0][0])) {
			// The run replayed last goes on: its bookkeeping is redone with the whole run, as one
			// replay of everything would (the document itself is the same however it was applied).
			this.#versions.clear();
			for (const [k, v] of last.versions) this.#versions.set(k, v);
			this.#open.clear();
			for (const [k, v] of last.open) this.#open.set(k, v);
			this.#closed.length = last.closed;
			const touched = this.replay.apply(list[0]);
			for (const itemId of last.touched) touched.add(itemId);
			list[0] = [...last.updates, ...list[0]];
			this.#lastRun = null;
			if (list.length === 1) this.#saveLastRun(list[0], touched);
			this.#process(list[0], touched);
			list.shift();
		}
		list.forEach((run, i) => {
			if (i === list.length - 1) {
				const touched = this.replay.apply(run);
				this.#saveLastRun(run, touched);
				this.#process(run, touched);
			} else this.#process(run, this.replay.apply(run));
		});
		this.lastSeq = fresh[fresh.length - 1].seq;
		this.count += fresh.length;
	}

	#saveLastRun(updates: HistoryUpdate[], touched: Set<string>): void {
		const open = new Map<string, OpenEntry>();
		for (const [k, v] of this.#open) open.set(k, { ...v });
		this.#lastRun = { updates, touched: new Set(touched), versions: new Map(this.#versions), open, closed: this.#closed.length };
	}

	#process(run: HistoryUpdate[], touched: Set<string>): void {
		const update = run[run.length - 1];
		for (const itemId of touched) {
			const after = readItemVersion(this.replay.doc, itemId, this.replay.index);
			const tokenId = update.author?.tokenId ?? null;
			const at = update.author?.at ?? 0;
			const current = this.#open.get(itemId);
			if (current && current.tokenId === tokenId && at - current.lastAt <= COALESCE_MS) {
				// A copy: the last run's saved bookkeeping keeps the entry as it was.
				this.#open.set(itemId, { ...current, after, lastSeq: update.seq, lastAt: at });
			} else {
				if (current) {
					const closed = closeEntry(itemId, current);
					if (closed) this.#closed.push(closed);
				}
				const before = this.#versions.get(itemId) ?? EMPTY_VERSION;
				this.#open.set(itemId, { tokenId, name: update.author?.name ?? '', firstSeq: run[0].seq, lastSeq: update.seq, lastAt: at, before, after });
			}
			this.#versions.set(itemId, after);
		}
	}

	page(query: TimelineQuery): TimelinePage {
		const wanted = query.itemId;
		const all = wanted ? this.#closed.filter((entry) => entry.itemId === wanted) : [...this.#closed];
		for (const [itemId, entry] of this.#open) {
			if (wanted && itemId !== wanted) continue;
			const closed = closeEntry(itemId, entry);
			if (closed) all.push(closed);
		}
		// Entries ending on the same update in a fixed order, however the replay was split between reads.
		all.sort((a, b) => b.lastSeq - a.lastSeq || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
		const from = query.before === undefined ? all : all.filter((entry) => entry.lastSeq < query.before!);
		const page = from.slice(0, query.limit);
		const members = roots(this.replay.doc).members;
		const entries = page.map((entry): TimelineEntry => {
			const memberId = entry.tokenId ? (this.replay.memberOfToken.get(entry.tokenId) ?? null) : null;
			const known = memberId ? String(members.get(memberId)?.name ?? '') : '';
			return {
				id: entry.lastSeq,
				firstSeq: entry.firstSeq,
				at: entry.lastAt,
				by: { tokenId: entry.tokenId, memberId, name: known || entry.name || 'Someone' },
				itemId: entry.itemId,
				itemTitle: entry.itemTitle,
				changes: entry.changes
			};
		});
		return { entries, next: from.length > page.length ? page[page.length - 1].lastSeq : null, since: this.#since };
	}

	destroy(): void {
		this.replay.doc.destroy();
	}
}

/** Whether `update` belongs to the same run as the updates before it (see runs). */
function continues(run: readonly HistoryUpdate[], update: HistoryUpdate): boolean {
	const last = run[run.length - 1];
	return last.author?.tokenId === update.author?.tokenId && (update.author?.at ?? 0) - (last.author?.at ?? 0) <= COALESCE_MS;
}

/** A timeline from a whole history at once. */
export function buildTimeline(input: HistoryInput, query: TimelineQuery): TimelinePage {
	const timeline = new Timeline(input.base, input.baseAt);
	timeline.add(input.updates);
	const page = timeline.page(query);
	timeline.destroy();
	return page;
}

/** The item as it was right after the update `seq` (an entry's id); null when the history has no such point. */
export function versionAt(input: HistoryInput, itemId: string, seq: number): ItemVersion | null {
	if (!input.updates.some((update) => update.seq === seq)) return null;
	const replay = new Replay(input.base);
	replay.apply(input.updates.filter((update) => update.seq <= seq));
	return readItemVersion(replay.doc, itemId, replay.index);
}
