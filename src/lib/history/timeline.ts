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
		const last = run[run.length - 1];
		if (last && (last.author?.tokenId !== update.author?.tokenId || (update.author?.at ?? 0) - (last.author?.at ?? 0) > COALESCE_MS)) {
			yield run;
			run = [];
		}
		run.push(update);
	}
	if (run.length > 0) yield run;
}

export function buildTimeline(input: HistoryInput, query: TimelineQuery): TimelinePage {
	const replay = new Replay(input.base);
	const versions = new Map<string, ItemVersion>();
	const wanted = query.itemId;
	// The version every item had at the checkpoint: what its first entry is compared with.
	for (const itemId of wanted ? [wanted] : replay.itemIds()) versions.set(itemId, readItemVersion(replay.doc, itemId, replay.index));
	const open = new Map<string, OpenEntry>();
	const closed: (OpenEntry & { itemId: string; changes: Change[] })[] = [];
	const close = (itemId: string, entry: OpenEntry) => {
		const changes = diffVersions(entry.before, entry.after);
		if (changes.length > 0) closed.push({ ...entry, itemId, changes });
	};
	for (const run of runs(input.updates)) {
		const touched = replay.apply(run);
		const update = run[run.length - 1];
		for (const itemId of touched) {
			if (wanted && itemId !== wanted) continue;
			const after = readItemVersion(replay.doc, itemId, replay.index);
			const tokenId = update.author?.tokenId ?? null;
			const at = update.author?.at ?? 0;
			const current = open.get(itemId);
			if (current && current.tokenId === tokenId && at - current.lastAt <= COALESCE_MS) {
				current.after = after;
				current.lastSeq = update.seq;
				current.lastAt = at;
			} else {
				if (current) close(itemId, current);
				const before = versions.get(itemId) ?? EMPTY_VERSION;
				open.set(itemId, { tokenId, name: update.author?.name ?? '', firstSeq: run[0].seq, lastSeq: update.seq, lastAt: at, before, after });
			}
			versions.set(itemId, after);
		}
	}
	for (const [itemId, entry] of open) close(itemId, entry);
	closed.sort((a, b) => b.lastSeq - a.lastSeq);
	const from = query.before === undefined ? closed : closed.filter((entry) => entry.lastSeq < query.before!);
	const page = from.slice(0, query.limit);
	const entries = page.map((entry): TimelineEntry => {
		const memberId = entry.tokenId ? (replay.memberOfToken.get(entry.tokenId) ?? null) : null;
		const known = memberId ? String(roots(replay.doc).members.get(memberId)?.name ?? '') : '';
		return {
			id: entry.lastSeq,
			firstSeq: entry.firstSeq,
			at: entry.lastAt,
			by: { tokenId: entry.tokenId, memberId, name: known || entry.name || 'Someone' },
			itemId: entry.itemId,
			itemTitle: entry.after.title || entry.after.url,
			changes: entry.changes
		};
	});
	return { entries, next: from.length > page.length ? page[page.length - 1].lastSeq : null, since: input.base ? input.baseAt : null };
}

/** The item as it was right after the update `seq` (an entry's id); null when the history has no such point. */
export function versionAt(input: HistoryInput, itemId: string, seq: number): ItemVersion | null {
	if (!input.updates.some((update) => update.seq === seq)) return null;
	const replay = new Replay(input.base);
	replay.apply(input.updates.filter((update) => update.seq <= seq));
	return readItemVersion(replay.doc, itemId, replay.index);
}
