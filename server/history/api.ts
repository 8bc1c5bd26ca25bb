// The history API under /api/groups/<groupId>/history (members and viewers, with their token):
//   history                          the group's recent changes, newest first
//   history/items/<itemId>           one item's timeline, newest first
//   history/items/<itemId>/at/<id>   the item as it was right after the entry <id>
// `?limit=` (1–100, default 20) and `?before=<entry id>` page the lists. Replays run on the history thread.
import type { RoomStore } from '../persistence/types.ts';
import type { HistoryThread } from './thread.ts';

export interface HistoryAnswer {
	status: number;
	body: unknown;
}

export interface HistoryService {
	/** Answers a request for `path` (what follows `history`, e.g. '' or '/items/x'). */
	answer(groupId: string, path: string, params: URLSearchParams): Promise<HistoryAnswer>;
	/** Drops what is kept of a deleted group's history. */
	forget(groupId: string): Promise<void>;
	close(): Promise<void>;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
/**
 * Requests read or waiting for the history thread at once: each holds a copy of a group's history,
 * so past this the relay answers 503 rather than let memory and waiting grow without bound.
 */
export const MAX_HISTORY_REQUESTS = 4;

const refuse = (status: number, error: string): HistoryAnswer => ({ status, body: { error } });

function wholeNumber(raw: string | null, what: string, min: number, max: number): number | string | null {
	if (raw === null) return null;
	if (!/^\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max) return `${what} must be a whole number from ${min} to ${max}.`;
	return Number(raw);
}

export function createHistoryService(store: RoomStore, thread: HistoryThread): HistoryService {
	let inFlight = 0;
	return {
		async answer(groupId, path, params) {
			if (inFlight >= MAX_HISTORY_REQUESTS) return refuse(503, 'The relay is busy reading other histories. Try again in a moment.');
			inFlight++;
			try {
				return await answerOne(groupId, path, params);
			} finally {
				inFlight--;
			}
		},
		forget: (groupId) => thread.forget(groupId),
		close: () => thread.close()
	};

	async function answerOne(groupId: string, path: string, params: URLSearchParams): Promise<HistoryAnswer> {
		const match = /^(?:\/items\/([^/]+)(?:\/at\/([^/]+))?)?$/.exec(path);
		if (!match) return refuse(404, 'There is no such history address.');
		let itemId: string | undefined;
		try {
			itemId = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
		} catch {
			return refuse(400, 'This item id is not valid.');
		}
		// Bad input is refused before anything is read.
		if (match[2] !== undefined) {
			const seq = wholeNumber(match[2], 'The entry id', 1, Number.MAX_SAFE_INTEGER);
			if (typeof seq !== 'number') return refuse(400, typeof seq === 'string' ? seq : 'Give an entry id.');
			const history = await store.loadHistory(groupId);
			const version = history ? await thread.version(history, itemId!, seq) : null;
			if (!version) return refuse(404, 'The history holds no such entry of this group (it may be older than the relay keeps).');
			return { status: 200, body: { id: seq, version } };
		}
		const limit = wholeNumber(params.get('limit'), '“limit”', 1, MAX_LIMIT);
		if (typeof limit === 'string') return refuse(400, limit);
		const before = wholeNumber(params.get('before'), '“before”', 1, Number.MAX_SAFE_INTEGER);
		if (typeof before === 'string') return refuse(400, before);
		const query = { ...(itemId ? { itemId } : {}), ...(before ? { before } : {}), limit: limit ?? DEFAULT_LIMIT };
		const page = await thread.timeline(store, groupId, query);
		return { status: 200, body: page ?? { entries: [], next: null, since: null } };
	}
}
