// A small client for the relay's HTTP API of one group (invites, feed links, the member's role, deletion),
// authenticated with the member's token. Errors carry the relay's own words.
import type { Role } from '$lib/model';

export interface Invite {
	id: string;
	role: Role;
	createdAt: number;
	label: string;
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
	/** The id of the invite this browser joined with. */
	inviteId: string;
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

	async function request(method: string, path: string, body?: unknown): Promise<Response> {
		const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		let response: Response;
		try {
			response = await doFetch(path ? `${base}/${path}` : base, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				cache: 'no-store'
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
		/** The group's active invites (owner only). */
		invites: () => json<Invite[]>('GET', 'invites'),
		createInvite: (role: Role, label = '') => json<NewInvite>('POST', 'invites', { role, label }),
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
		/** The group exported by the relay, as a file to save. */
		exportFile: async (format: 'json' | 'html' | 'jsonld' | 'csv'): Promise<{ blob: Blob; filename: string }> => {
			const response = await request('GET', `export?format=${format}`);
			const disposition = response.headers.get('content-disposition') ?? '';
			const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `group.${format}`;
			return { blob: await response.blob(), filename };
		}
	};
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
