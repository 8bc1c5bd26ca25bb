// The contract between the relay and its access control: who may sync, read feeds, or manage a group.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as Y from 'yjs';
import type { RefusalCode } from '../../src/lib/rules/index';
import type { ExportFormat } from '../../src/lib/interchange/export/formats';
import type { ExportFile } from '../exports/thread';

export type MemberRole = 'owner' | 'editor' | 'viewer';
export type TokenRole = MemberRole | 'feed';

/** A permanent refusal, as an HTTP status before the upgrade or a WebSocket close code after it. */
export interface Refusal {
	ok: false;
	status: 400 | 401 | 403 | 404 | 410 | 429;
	closeCode: RefusalCode;
	/** Short machine-readable reason, also the metrics label: 'bad-token', 'revoked', 'forbidden', ... */
	reason: string;
	/** What happened and what to do, in words a member understands. */
	message: string;
	/**
	 * Set when this address keeps presenting bad tokens: the relay should wait this long before
	 * answering, which slows down guessing (the HTTP API waits by itself).
	 */
	delayMs?: number;
	/** With status 429: when the address may try again (the HTTP `Retry-After`, in milliseconds). */
	retryAfterMs?: number;
}

export interface SyncGrant {
	ok: true;
	groupId: string;
	role: MemberRole;
	/** Identifies the token (never the token itself) so revocation can close its connections. */
	tokenId: string;
	/** The member's name the token was given (its label), kept with each update for the history. */
	memberName?: string;
	/** True when this connection created the group. */
	created: boolean;
}

/** Access control's answer to a connection: in, with a role, or a named refusal. */
export type SyncVerdict = SyncGrant | Refusal;

export interface SyncRequest {
	groupId: string;
	token: string | null;
	/** The client made this group offline and asks the relay to register it with `token` as owner. */
	create: boolean;
	/** The relay's creation token, required for creation when the relay is not on loopback. */
	createToken: string | null;
	remoteAddress: string;
}

export interface ApiContext {
	/** The group's current document: the live room's, or read from storage; null when unknown. */
	loadGroupDoc(groupId: string): Promise<Y.Doc | null>;
	/**
	 * The group's live doc, its room loaded as a connection would load it (a device about to connect
	 * reads it first); null when the room cannot be opened.
	 */
	openGroupDoc(groupId: string): Promise<Y.Doc | null>;
	/** The group's export file, from what is stored; null when nothing of the group is. */
	exportGroup(groupId: string, format: ExportFormat): Promise<ExportFile | null>;
	remoteAddress: string;
	/**
	 * Removes everything the relay holds of a deleted group besides its tokens: closes its live
	 * connections, unloads its room, deletes its stored updates and snapshot. Safe to call twice.
	 */
	forgetGroup(groupId: string): Promise<void>;
	/** Ids of the tokens with a live connection to the group on this relay. */
	onlineTokens?(groupId: string): Set<string>;
	/** Answers `/api/groups/<id>/history…` (what follows `history` in `path`) once the caller may read the group. */
	history?(groupId: string, path: string, params: URLSearchParams): Promise<{ status: number; body: unknown }>;
}

/** Why a token's live connections must close: revoked, its member removed, or its role changed (reconnect). */
export type AccessChangeCause = 'revoked' | 'removed' | 'role';

export interface GroupAuth {
	/**
	 * Decided at once for a known token. A new group's first connection gets a promise instead, which
	 * resolves once the group and its owner's token are on disk: only then may it be let in.
	 */
	authorizeSync(request: SyncRequest): SyncVerdict | Promise<SyncVerdict>;
	authorizeFeed(groupId: string, token: string | null, remoteAddress: string): { ok: true } | Refusal;
	/**
	 * Calls `listener` whenever a token is revoked, a member removed or their role changed, or a
	 * group deleted (`tokenId` null); the relay closes those connections.
	 */
	onRevoke(listener: (groupId: string, tokenId: string | null, cause: AccessChangeCause) => void): () => void;
	/** Handles `/api/...` requests; resolves false when the path is not one of its own. */
	handleApi(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): Promise<boolean>;
	close(): void;
}
