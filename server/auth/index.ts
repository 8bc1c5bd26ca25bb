// Access control for the relay: `createGroupAuth(db, config)` gives the relay its GroupAuth
// (who may sync, read feeds, manage a group), backed by `auth_` tables in the relay's database.
import type { Database } from 'better-sqlite3';
import { GroupAccess } from './access';
import { createApiHandler } from './api';
import type { AuthConfig } from './config';
import type { GroupRegistrar, TokenStoreApi } from './store';
import type { GroupAuth } from './types';

export type { AuthConfig } from './config';
export { authDefaults } from './config';
export { GroupAccess } from './access';
export { creationRule, isLoopbackHost } from './creation';
export type * from './types';

const REVOCATION_POLL_MS = 500;

/** The relay's GroupAuth, plus the access object behind it (the operator CLI and tests use it). */
export interface RelayGroupAuth extends GroupAuth {
	readonly access: GroupAccess;
}

/**
 * `config` is the relay's configuration (or any object with some AuthConfig fields): `host`,
 * `createToken`, `openCreation`, `publicBind` and the `badToken*` limits; defaults in `authDefaults`.
 * `registrar` writes new groups off the event loop (the SQLite store's writer thread).
 */
export function createGroupAuth(db: Database | TokenStoreApi, config: AuthConfig, registrar: GroupRegistrar | null = null): RelayGroupAuth {
	const access = new GroupAccess(db, config, registrar);
	const handleApi = createApiHandler(access);
	const unsubscribes: (() => void)[] = [];
	// Revocations made by the operator CLI land in the shared database; pick them up within a second.
	const poll = setInterval(() => {
		try {
			access.pollRevocations();
		} catch {
			// The database is closing or busy: the next tick tries again.
		}
	}, REVOCATION_POLL_MS);
	poll.unref();
	return {
		access,
		authorizeSync: (request) => access.authorizeSync(request),
		authorizeFeed: (groupId, token, remoteAddress) => access.authorizeFeed(groupId, token, remoteAddress),
		onRevoke(listener) {
			const off = access.onRevoke(listener);
			unsubscribes.push(off);
			return off;
		},
		handleApi,
		close() {
			clearInterval(poll);
			access.store.flushSeen();
			for (const off of unsubscribes.splice(0)) off();
		}
	};
}
