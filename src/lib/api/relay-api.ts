// A small client for the relay's HTTP API of one group (joining, invites, members, feed links, the
// member's role, the cover and whole state a new device reads first, deletion),
// authenticated with the member's token. Errors carry the relay's own words.
import type { GroupCover, ItemVersion, Role } from '$lib/model';
import type { TimelinePage } from '$lib/history/timeline';

export interface Invite {
	id: string;
	role: Role;
	createdAt: number;
	/** Who the link is for, as the owner wrote it. */
	label: string;
	/** A single-use link lets one browser join; a multi-use link any number. */
	single: boolean;
	/** When a single-use link was used (null while unused); for a multi-use link, its first use. */
	usedAt: number | null;
	/** The members who joined with this link. */
	joined: { id: string; name: string }[];
}

export interface Member {
	id: string;
	name: string;
	role: Role;
	joinedAt: number;
	lastSeenAt: number | null;
	/** Connected to the relay right now. */
	online: boolean;
	/** The invite link they joined with; null for the group's creator and older members. */
	invite: { id: string; label: string; single: boolean } | null;
}

export interface Joined {
	/** The member's own token, to keep instead of the invite link's. */
	token: string;
	role: Role;
	memberId: string;
}

export interface NewInvite extends Invite {
	token: string;
	/** Path of the invite link, `/join/<groupId>#<token>`; prefix it with the app's origin. */
	link: string;
}

export interface FeedLinks {
	rss: string;
	atom: string;
	opml: string;
}

export interface Me {
	groupId: string;
	role: Role;
	/** This browser's entry in the group's members (the id of its token). */
	memberId: string;
	/** The same id, under its older name. */
	inviteId: string;
	/** 'invite': the token is an invite link, which `join` exchanges for the member's own. */
	kind: 'member' | 'invite';
	/** The token is a single-use invite link. */
	single: boolean;
	/** The group's name, when the relay holds its document. */
	name?: string | null;
}

export class RelayApiError extends Error {
	override name = 'RelayApiError';
	constructor(
		message: string,
		/** HTTP status, 0 when the relay could not be reached. */
		readonly status: number,
		/** For a refusal of the token or group: the close code a connection would get (src/lib/rules). */
		readonly closeCode: number | null = null
	) {
		super(message);
	}

	get offline(): boolean {
		return this.status === 0;
	}
}

export interface RelayApiOptions {
	/** Origin of the relay; empty means the app's own origin (the relay serves the app). */
	origin?: string;
	fetch?: typeof fetch;
}

export type RelayApi = ReturnType<typeof relayApi>;

export function relayApi(groupId: string, token: string, options: RelayApiOptions = {}) {
	const origin = (options.origin ?? '').replace(/\/+$/, '');
	const base = `${origin}/api/groups/${encodeURIComponent(groupId)}`;
	const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

	async function request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
		const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		let response: Response;
		try {
			response = await doFetch(path ? `${base}/${path}` : base, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				cache: 'no-store',
				signal
			});
		} catch {
			throw new RelayApiError('The relay cannot be reached. Check your connection and try again.', 0);
		}
		if (!response.ok) {
			const { message, closeCode } = await errorOf(response);
			throw new RelayApiError(message, response.status, closeCode);
		}
		return response;
	}

	const json = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
		(await (await request(method, path, body)).json()) as T;

	return {
		/** This member's role in the group. */
		me: () => json<Me>('GET', 'me'),
		/** Exchanges this invite link for the member's own token (a member token comes back as it is). */
		join: (name: string) => json<Joined>('POST', 'join', { name }),
		/** The group's active invite links (owner only). */
		invites: () => json<Invite[]>('GET', 'invites'),
		/** A single-use link lets one browser join; a multi-use link any number. */
		createInvite: (role: Role, label = '', single = false) => json<NewInvite>('POST', 'invites', { role, label, single }),
		/** The group's members (owner only). */
		members: () => json<Member[]>('GET', 'members'),
		/** Changes a member's role; it takes effect on their open connections at once. */
		setRole: (memberId: string, role: Role) => json<Member>('PATCH', `members/${encodeURIComponent(memberId)}`, { role }),
		/** Removes a member: their browser is disconnected at once and their token stops working. */
		removeMember: async (memberId: string): Promise<void> => {
			await request('DELETE', `members/${encodeURIComponent(memberId)}`);
		},
		revokeInvite: async (inviteId: string): Promise<void> => {
			await request('DELETE', `invites/${encodeURIComponent(inviteId)}`);
		},
		/** Feed links of the group, with the feed token; paths, to prefix with the relay's origin. */
		feedLinks: () => json<FeedLinks>('GET', 'feed'),
		rotateFeed: () => json<FeedLinks>('POST', 'feed/rotate'),
		/** Deletes the whole group from the relay (owner only); its members are disconnected. */
		deleteGroup: async (): Promise<void> => {
			await request('DELETE', '');
		},
		/** The group's recent changes, newest first; `before` is the `next` of the previous page. */
		groupHistory: (page: { before?: number | null; limit?: number } = {}) => json<TimelinePage>('GET', `history${pageQuery(page)}`),
		/** One item's timeline: who changed what and when, newest first. */
		itemHistory: (itemId: string, page: { before?: number | null; limit?: number } = {}) =>
			json<TimelinePage>('GET', `history/items/${encodeURIComponent(itemId)}${pageQuery(page)}`),
		/** The item as it was right after the timeline entry `entryId`. */
		itemVersion: async (itemId: string, entryId: number): Promise<ItemVersion> =>
			(await json<{ version: ItemVersion }>('GET', `history/items/${encodeURIComponent(itemId)}/at/${entryId}`)).version,
		/** The group's first page and counts as the relay reads them for this member (a new device shows it first). */
		cover: () => json<GroupCover>('GET', 'cover'),
		/**
		 * The whole group as one Yjs update, as the relay holds it; `progress` hears the bytes received
		 * so far and the size the relay announced (null when a proxy hid it).
		 */
		state: async (progress?: (received: number, total: number | null) => void): Promise<Uint8Array> => {
			// A download that stops moving is given up, so opening the group never waits on it for ever.
			const stalled = new AbortController();
			let timer = setTimeout(() => stalled.abort(), STALL_MS);
			const moved = (received: number, total: number | null) => {
				clearTimeout(timer);
				timer = setTimeout(() => stalled.abort(), STALL_MS);
				progress?.(received, total);
			};
			try {
				const response = await request('GET', 'state', undefined, stalled.signal);
				return await readAll(response, moved);
			} catch (error) {
				if (error instanceof RelayApiError && !stalled.signal.aborted) throw error;
				throw new RelayApiError('The connection to the relay broke while the group arrived. It is sent again on the next try.', 0);
			} finally {
				clearTimeout(timer);
			}
		},
		/** The group exported by the relay, as a file to save. */
		exportFile: async (format: 'json' | 'html' | 'jsonld' | 'csv'): Promise<{ blob: Blob; filename: string }> => {
			const response = await request('GET', `export?format=${format}`);
			const disposition = response.headers.get('content-disposition') ?? '';
			const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `group.${format}`;
			return { blob: await response.blob(), filename };
		}
	};
}

/** How long a download may go without a byte before it is given up. */
const STALL_MS = 30_000;

/** A response's body in one array, reporting as it arrives. */
async function readAll(response: Response, progress?: (received: number, total: number | null) => void): Promise<Uint8Array> {
	const declared = Number(response.headers.get('content-length'));
	const total = Number.isSafeInteger(declared) && declared > 0 ? declared : null;
	const reader = response.body?.getReader();
	if (!reader) return new Uint8Array(await response.arrayBuffer());
	let buffer = new Uint8Array(total ?? 1 << 20);
	let received = 0;
	progress?.(0, total);
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		if (received + value.length > buffer.length) {
			const grown = new Uint8Array(Math.max(buffer.length * 2, received + value.length));
			grown.set(buffer.subarray(0, received));
			buffer = grown;
		}
		buffer.set(value, received);
		received += value.length;
		progress?.(received, total);
	}
	if (total !== null && received !== total) throw new Error(`received ${received} of ${total} bytes`);
	return received === buffer.length ? buffer : buffer.slice(0, received);
}

function pageQuery(page: { before?: number | null; limit?: number }): string {
	const params = new URLSearchParams();
	if (page.before) params.set('before', String(page.before));
	if (page.limit) params.set('limit', String(page.limit));
	const text = params.toString();
	return text ? `?${text}` : '';
}

async function errorOf(response: Response): Promise<{ message: string; closeCode: number | null }> {
	let closeCode: number | null = null;
	try {
		const body = (await response.json()) as { error?: unknown; closeCode?: unknown };
		if (typeof body.closeCode === 'number') closeCode = body.closeCode;
		if (typeof body.error === 'string' && body.error) return { message: body.error, closeCode };
	} catch {
		// Not our JSON (a proxy's error page, say): fall back to words for the status.
	}
	return { message: statusWords(response.status), closeCode };
}

function statusWords(status: number): string {
	if (status === 401) return 'This link is not valid for this group any more — ask the group’s owner for a new one.';
	if (status === 403) return 'Only the group’s owner can do this.';
	if (status === 429) return 'Too many attempts from your network. Wait a few minutes and try again.';
	return `The relay could not do this (status ${status}). Try again later.`;
}
