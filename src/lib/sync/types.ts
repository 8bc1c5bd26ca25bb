// What the pages see of a group's connection: its document, its sync status and its presence.
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

export type SyncErrorReason =
	| 'revoked'
	| 'deleted'
	| 'bad-token'
	| 'forbidden'
	| 'too-large'
	| 'malformed'
	| 'rate-limited'
	| 'storage'
	| 'schema'
	| 'relay';

/** How far opening a group has come: the relay's copy arriving (bytes), then being applied (slices). */
export interface LoadProgress {
	step: 'receiving' | 'applying';
	done: number;
	/** Null while the size is unknown (a proxy hid it). */
	total: number | null;
}

export type SyncStatus =
	| { kind: 'loading'; progress?: LoadProgress }
	| { kind: 'offline'; pending: number }
	| { kind: 'connecting'; pending: number }
	| { kind: 'syncing'; pending: number }
	| { kind: 'synced' }
	| { kind: 'error'; reason: SyncErrorReason; message: string; pending: number };

/** What a member shares with the others online in the group (the awareness state's `member` field). */
export interface Presence {
	memberId: string;
	name: string;
	color: string;
	/** The item this member is looking at. */
	viewing?: string;
	/** The text this member is typing in: a note id, a highlight id, or `description:<itemId>`. */
	typing?: string;
}

export interface GroupSession {
	readonly groupId: string;
	readonly doc: Y.Doc;
	readonly awareness: Awareness;
	/** Resolves once the group is loaded from browser storage (before any network). */
	readonly loaded: Promise<void>;
	readonly status: SyncStatus;
	/** Calls `listener` now and on every status change; returns the unsubscribe function. */
	subscribe(listener: (status: SyncStatus) => void): () => void;
	setPresence(patch: Partial<Presence>): void;
	destroy(): void;
}
