// The group's sync status from its parts: storage loaded or failing, the relay connection, a
// refusal, the schema, the browser being online, and the changes still waiting.
import type { ConnectionState } from './relay-connection';
import { SCHEMA_MESSAGE, STORAGE_MESSAGE, type Refusal } from './refusals';
import type { LoadProgress, SyncStatus } from './types';

export interface StatusParts {
	loaded: boolean;
	/** While not loaded: how far the group has arrived and been applied, when that is being told. */
	progress?: LoadProgress | null;
	pending: number;
	refusal: Refusal | null;
	storageError: { message: string } | null;
	writable: boolean;
	online: boolean;
	connection: ConnectionState;
}

export function computeStatus(parts: StatusParts): SyncStatus {
	const { pending, connection } = parts;
	if (!parts.loaded) return parts.progress ? { kind: 'loading', progress: parts.progress } : { kind: 'loading' };
	if (parts.refusal) return { kind: 'error', ...parts.refusal, pending };
	if (parts.storageError) return { kind: 'error', reason: 'storage', message: parts.storageError.message || STORAGE_MESSAGE, pending };
	if (!parts.writable) return { kind: 'error', reason: 'schema', message: SCHEMA_MESSAGE, pending };
	if (connection.connected && parts.online) {
		return connection.synced && pending === 0 ? { kind: 'synced' } : { kind: 'syncing', pending };
	}
	// The first attempt shows as connecting; once one failed, the group is offline until one succeeds.
	if (connection.connecting && parts.online && connection.failedAttempts === 0) return { kind: 'connecting', pending };
	return { kind: 'offline', pending };
}

export function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}
