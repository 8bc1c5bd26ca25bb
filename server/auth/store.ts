// The relay's record of groups and their tokens, in SQLite tables prefixed `auth_`.
// Tokens are kept only as SHA-256 hashes; the feed token is derived, not stored.
import { randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { AccessChangeCause, MemberRole } from './types';
import { newTokenId } from './tokens';

export interface GroupRecord {
	groupId: string;
	/** The name given by the operator's `create-group`; null for groups created by a client. */
	name: string | null;
	createdAt: number;
	feedGeneration: number;
}

/**
 * `member`: one member's own token (the group's creator, everyone who joined, and tokens made
 * before invites were kept apart). `invite`: an invite link, which joining exchanges for a member
 * token of its own, so every browser that joins is a member the owner can see and remove.
 */
export type TokenKind = 'member' | 'invite';

export interface TokenRecord {
	id: string;
	groupId: string;
	role: MemberRole;
	hash: Buffer;
	/** A member's name, or who an invite is for. */
	label: string;
	createdAt: number;
	revokedAt: number | null;
	kind: TokenKind;
	/** Invites: 1 for a single-use link, null for a link any number of people may use. */
	maxUses: number | null;
	/** Single-use invites: when it was used; null while it is unused. */
	usedAt: number | null;
	/** Members: the invite they joined with, null for the creator and older tokens. */
	inviteId: string | null;
	/** Members: when their browser last connected or called the relay; null if never. */
	lastSeenAt: number | null;
}

export interface NewTokenOptions {
	kind?: TokenKind;
	maxUses?: number | null;
	inviteId?: string | null;
	now?: number;
}

export type { AccessChangeCause } from './types';

export interface GroupSummary extends GroupRecord {
	/** Active (not revoked) tokens by role. */
	tokens: Record<MemberRole, number>;
	revokedTokens: number;
}

/** A row of `auth_tokens`, as SQLite and PostgreSQL both return it. */
export interface TokenRow {
	id: string;
	group_id: string;
	role: MemberRole;
	hash: Uint8Array;
	label: string;
	created_at: number;
	revoked_at: number | null;
	kind: TokenKind;
	max_uses: number | null;
	used_at: number | null;
	invite_id: string | null;
	last_seen_at: number | null;
}

export interface GroupRow {
	group_id: string;
	name: string | null;
	created_at: number;
	feed_generation: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS auth_secret (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	secret BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_groups (
	group_id TEXT PRIMARY KEY,
	name TEXT,
	created_at INTEGER NOT NULL,
	feed_generation INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS auth_tokens (
	id TEXT PRIMARY KEY,
	group_id TEXT NOT NULL REFERENCES auth_groups(group_id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
	hash BLOB NOT NULL UNIQUE,
	label TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS auth_tokens_group ON auth_tokens(group_id);
-- Every revocation in order, so a relay learns of those made by another process (the operator CLI).
CREATE TABLE IF NOT EXISTS auth_revocations (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	group_id TEXT NOT NULL,
	token_id TEXT NOT NULL
);
-- Groups their owner deleted, kept for good: members who come back are told what happened, and
-- nobody (a stale browser presenting create=1 included) can register the id again.
CREATE TABLE IF NOT EXISTS auth_deleted_groups (
	group_id TEXT PRIMARY KEY,
	deleted_at INTEGER NOT NULL
);
`;

/** Columns added after the first release; added to older databases when they open. */
const ADDED_COLUMNS: { table: string; column: string; definition: string }[] = [
	{ table: 'auth_tokens', column: 'kind', definition: "TEXT NOT NULL DEFAULT 'member'" },
	{ table: 'auth_tokens', column: 'max_uses', definition: 'INTEGER' },
	{ table: 'auth_tokens', column: 'used_at', definition: 'INTEGER' },
	{ table: 'auth_tokens', column: 'invite_id', definition: 'TEXT' },
	{ table: 'auth_tokens', column: 'last_seen_at', definition: 'INTEGER' },
	// 'revoked' (a link or token revoked), 'removed' (the owner removed a member), 'role' (a member's role changed).
	{ table: 'auth_revocations', column: 'cause', definition: "TEXT NOT NULL DEFAULT 'revoked'" }
];

function addMissingColumns(db: Database): void {
	for (const { table, column, definition } of ADDED_COLUMNS) {
		const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
		if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
	}
}

/** In `auth_revocations`, the token id that stands for every token of a deleted group. */
export const WHOLE_GROUP = '*';

export const toGroup = (row: GroupRow): GroupRecord => ({
	groupId: row.group_id,
	name: row.name,
	createdAt: row.created_at,
	feedGeneration: row.feed_generation
});

export const toToken = (row: TokenRow): TokenRecord => ({
	id: row.id,
	groupId: row.group_id,
	role: row.role,
	hash: Buffer.from(row.hash.buffer, row.hash.byteOffset, row.hash.byteLength),
	label: row.label,
	createdAt: row.created_at,
	revokedAt: row.revoked_at,
	kind: row.kind,
	maxUses: row.max_uses,
	usedAt: row.used_at,
	inviteId: row.invite_id,
	lastSeenAt: row.last_seen_at
});

/** A new group with its owner's token, as `writeNewGroup` stores them (on any connection, any thread). */
export interface GroupRegistration {
	groupId: string;
	/** The operator's name for the group; null for groups a client created. */
	name: string | null;
	createdAt: number;
	ownerTokenId: string;
	ownerTokenHash: Uint8Array;
	ownerLabel: string;
}

/**
 * Writes registrations durably and resolves, for each, whether it was written (false: the id is
 * taken or was deleted, or the token is another's). The SQLite relay's writer thread does it, in
 * the same commit as the updates appended meanwhile, so the event loop never waits for the disk.
 */
export type GroupRegistrar = (registration: GroupRegistration) => Promise<boolean>;

/**
 * What `writeNewGroup` runs, made once per connection: its statements and the transaction around
 * them (making a better-sqlite3 transaction function costs more than running these statements).
 */
const registrationWriters = new WeakMap<Database, (registration: GroupRegistration) => boolean>();

function registrationWriter(db: Database): (registration: GroupRegistration) => boolean {
	let write = registrationWriters.get(db);
	if (write) return write;
	const deleted = db.prepare('SELECT 1 FROM auth_deleted_groups WHERE group_id = ?');
	const group = db.prepare('INSERT OR IGNORE INTO auth_groups (group_id, name, created_at) VALUES (?, ?, ?)');
	const token = db.prepare(
		"INSERT INTO auth_tokens (id, group_id, role, hash, label, created_at, kind, max_uses, invite_id) VALUES (?, ?, 'owner', ?, ?, ?, 'member', NULL, NULL)"
	);
	// Immediate: a read that became a write would fail at once (SQLITE_BUSY) when another
	// connection committed meanwhile; inside the writer thread's batch it is a savepoint.
	write = db.transaction(({ groupId, name, createdAt, ownerTokenId, ownerTokenHash, ownerLabel }: GroupRegistration): boolean => {
		if (deleted.get(groupId)) return false;
		if (group.run(groupId, name, createdAt).changes !== 1) return false;
		token.run(ownerTokenId, groupId, ownerTokenHash, ownerLabel, createdAt);
		return true;
	}).immediate;
	registrationWriters.set(db, write);
	return write;
}

/**
 * Stores a new group and its owner's token on `db`, in one transaction (a savepoint inside the
 * caller's). False, with nothing written, when the id is taken or was deleted or the token hash
 * belongs to another token; any other failure (a full disk) throws.
 */
export function writeNewGroup(db: Database, registration: GroupRegistration): boolean {
	try {
		return registrationWriter(db)(registration);
	} catch (error) {
		// The hash is unique: this token is already another's (a race two registrations lost one of).
		if (String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) return false;
		throw error;
	}
}

/** The owner's token of a group about to be registered, as it will be stored. */
export function newOwnerToken(groupId: string, hash: Buffer, label: string, createdAt: number): TokenRecord {
	return { id: newTokenId(), groupId, role: 'owner', hash, label, createdAt, revokedAt: null, kind: 'member', maxUses: null, usedAt: null, inviteId: null, lastSeenAt: null };
}

/** What `writeNewGroup` stores for a group and its owner's token. */
export function registrationOf(owner: TokenRecord, name: string | null): GroupRegistration {
	return { groupId: owner.groupId, name, createdAt: owner.createdAt, ownerTokenId: owner.id, ownerTokenHash: owner.hash, ownerLabel: owner.label };
}

/** How long members' "last seen" times wait to be written together. */
const SEEN_FLUSH_MS = 1_000;

/** What access control needs of a token store: this SQLite one, or the cluster's PostgreSQL one. */
export type TokenStoreApi = { [K in keyof TokenStore]: TokenStore[K] };

export class TokenStore {
	readonly #db: Database;
	readonly #seen = new Map<string, number>();
	#seenTimer: NodeJS.Timeout | null = null;
	readonly #secret: Buffer;
	readonly #registrar: GroupRegistrar | null;
	/** Prepared once: preparing a statement costs more than running it (every connection runs some). */
	readonly #statements = new Map<string, Statement>();

	/** `registrar`: where new groups are written (the writer thread); without one, on `db` itself. */
	constructor(db: Database, registrar: GroupRegistrar | null = null) {
		this.#db = db;
		this.#registrar = registrar;
		db.exec(SCHEMA);
		addMissingColumns(db);
		db.prepare('INSERT OR IGNORE INTO auth_secret (id, secret) VALUES (1, ?)').run(randomBytes(32));
		this.#secret = (db.prepare('SELECT secret FROM auth_secret WHERE id = 1').get() as { secret: Buffer }).secret;
	}

	#prepare(sql: string): Statement {
		let statement = this.#statements.get(sql);
		if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
		return statement;
	}

	/** The relay's own secret, from which feed tokens are derived. */
	get relaySecret(): Buffer {
		return this.#secret;
	}

	group(groupId: string): GroupRecord | null {
		const row = this.#prepare('SELECT * FROM auth_groups WHERE group_id = ?').get(groupId) as GroupRow | undefined;
		return row ? toGroup(row) : null;
	}

	/** Registers a group with its first owner token; fails if the group exists. */
	createGroup(groupId: string, ownerTokenHash: Buffer, options: { name?: string | null; now?: number; label?: string } = {}): TokenRecord {
		const owner = newOwnerToken(groupId, ownerTokenHash, options.label ?? 'Created the group', options.now ?? Date.now());
		if (!writeNewGroup(this.#db, registrationOf(owner, options.name ?? null))) throw new Error(`The group ${groupId} already exists or was deleted.`);
		return owner;
	}

	/**
	 * Registers a group a client created, with its token as the owner's. Resolves once both are on
	 * disk; null when the group exists (or was deleted) or the token is another's by then.
	 */
	registerGroup(groupId: string, ownerTokenHash: Buffer): Promise<TokenRecord | null> {
		const owner = newOwnerToken(groupId, ownerTokenHash, 'Created the group', Date.now());
		const registration = registrationOf(owner, null);
		if (this.#registrar) return this.#registrar(registration).then((written) => (written ? owner : null));
		try {
			return Promise.resolve(writeNewGroup(this.#db, registration) ? owner : null);
		} catch (error) {
			return Promise.reject(error);
		}
	}

	addToken(groupId: string, role: MemberRole, hash: Buffer, label: string, now: number | NewTokenOptions = {}): TokenRecord {
		const options: NewTokenOptions = typeof now === 'number' ? { now } : now;
		const id = newTokenId();
		const createdAt = options.now ?? Date.now();
		const kind = options.kind ?? 'member';
		const maxUses = kind === 'invite' ? (options.maxUses ?? null) : null;
		const inviteId = options.inviteId ?? null;
		this.#prepare('INSERT INTO auth_tokens (id, group_id, role, hash, label, created_at, kind, max_uses, invite_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
			id,
			groupId,
			role,
			hash,
			label,
			createdAt,
			kind,
			maxUses,
			inviteId
		);
		return { id, groupId, role, hash, label, createdAt, revokedAt: null, kind, maxUses, usedAt: null, inviteId, lastSeenAt: null };
	}

	/**
	 * Exchanges an invite for a new member token with the invite's role, in one transaction; a
	 * single-use invite is marked used. Null when the invite is revoked or already used.
	 */
	redeemInvite(invite: TokenRecord, memberHash: Buffer, name: string, now = Date.now()): TokenRecord | null {
		return this.#db.transaction(() => {
			const spent = this.#prepare(
				`UPDATE auth_tokens SET used_at = COALESCE(used_at, ?)
				 WHERE id = ? AND kind = 'invite' AND revoked_at IS NULL AND (max_uses IS NULL OR used_at IS NULL)`
			).run(now, invite.id);
			if (spent.changes !== 1) return null;
			const member = this.addToken(invite.groupId, invite.role, memberHash, name, { now, inviteId: invite.id });
			this.#prepare('UPDATE auth_tokens SET last_seen_at = ? WHERE id = ?').run(now, member.id);
			return { ...member, lastSeenAt: now };
		})();
	}

	/** Renames a member (their display name, as the owner sees it in the member list). */
	rename(tokenId: string, name: string): void {
		this.#prepare("UPDATE auth_tokens SET label = ? WHERE id = ? AND kind = 'member'").run(name, tokenId);
	}

	/** Remembers that this token's holder was just here. */
	touch(tokenId: string, now = Date.now()): void {
		// Written a second later, many in one commit: a connection does not wait for a synced write of
		// its "last seen" (a crash may lose that second of it, nothing else).
		this.#seen.set(tokenId, now);
		this.#seenTimer ??= setTimeout(() => this.flushSeen(), SEEN_FLUSH_MS);
		this.#seenTimer.unref?.();
	}

	/** Writes the "last seen" times noted since the last flush. */
	flushSeen(): void {
		if (this.#seenTimer) clearTimeout(this.#seenTimer);
		this.#seenTimer = null;
		if (this.#seen.size === 0 || !this.#db.open) return;
		const seen = [...this.#seen];
		this.#seen.clear();
		const update = this.#prepare('UPDATE auth_tokens SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?');
		// Never waits for the write lock: a compaction's swap of a big group may hold it for seconds,
		// and this runs on the event loop. When the lock is taken, the times are written a second later.
		const waitMs = Number(this.#db.pragma('busy_timeout', { simple: true }));
		this.#db.pragma('busy_timeout = 0');
		try {
			this.#db.transaction(() => {
				for (const [tokenId, at] of seen) update.run(at, tokenId);
			})();
		} catch (error) {
			if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
			for (const [tokenId, at] of seen) if (!this.#seen.has(tokenId)) this.#seen.set(tokenId, at);
			this.#seenTimer ??= setTimeout(() => this.flushSeen(), SEEN_FLUSH_MS);
			this.#seenTimer.unref?.();
		} finally {
			this.#db.pragma(`busy_timeout = ${waitMs}`);
		}
	}

	/** Changes an active member's role and logs the change; null when there is no such active member. */
	setRole(groupId: string, tokenId: string, role: MemberRole): number | null {
		return this.#db.transaction(() => {
			const result = this.#prepare("UPDATE auth_tokens SET role = ? WHERE group_id = ? AND id = ? AND kind = 'member' AND revoked_at IS NULL").run(
				role,
				groupId,
				tokenId
			);
			if (result.changes !== 1) return null;
			return this.#logChange(groupId, tokenId, 'role');
		})();
	}

	/** The group's active tokens of one kind, oldest first. */
	activeOfKind(groupId: string, kind: TokenKind): TokenRecord[] {
		this.flushSeen();
		const rows = this.#prepare('SELECT * FROM auth_tokens WHERE group_id = ? AND kind = ? AND revoked_at IS NULL ORDER BY created_at, rowid').all(groupId, kind) as TokenRow[];
		return rows.map(toToken);
	}

	/** The group's tokens of one kind, revoked ones too, oldest first. */
	allOfKind(groupId: string, kind: TokenKind): TokenRecord[] {
		this.flushSeen();
		const rows = this.#prepare('SELECT * FROM auth_tokens WHERE group_id = ? AND kind = ? ORDER BY created_at, rowid').all(groupId, kind) as TokenRow[];
		return rows.map(toToken);
	}

	#logChange(groupId: string, tokenId: string, cause: AccessChangeCause): number {
		return Number(
			this.#prepare('INSERT INTO auth_revocations (group_id, token_id, cause) VALUES (?, ?, ?)').run(groupId, tokenId, cause).lastInsertRowid
		);
	}

	/** The token with this hash, revoked or not. */
	findByHash(hash: Buffer): TokenRecord | null {
		const row = this.#prepare('SELECT * FROM auth_tokens WHERE hash = ?').get(hash) as TokenRow | undefined;
		return row ? toToken(row) : null;
	}

	token(groupId: string, tokenId: string): TokenRecord | null {
		this.flushSeen();
		const row = this.#prepare('SELECT * FROM auth_tokens WHERE group_id = ? AND id = ?').get(groupId, tokenId) as TokenRow | undefined;
		return row ? toToken(row) : null;
	}

	activeTokens(groupId: string): TokenRecord[] {
		this.flushSeen();
		const rows = this.#prepare('SELECT * FROM auth_tokens WHERE group_id = ? AND revoked_at IS NULL ORDER BY created_at, rowid').all(groupId) as TokenRow[];
		return rows.map(toToken);
	}

	/**
	 * Marks a token revoked; returns the revocation's sequence number, or null when the group has no
	 * such active token. `cause` 'removed' says the owner removed a member (their words differ).
	 */
	revoke(groupId: string, tokenId: string, now = Date.now(), cause: AccessChangeCause = 'revoked'): number | null {
		return this.#db.transaction(() => {
			const result = this.#prepare('UPDATE auth_tokens SET revoked_at = ? WHERE group_id = ? AND id = ? AND revoked_at IS NULL').run(now, groupId, tokenId);
			if (result.changes !== 1) return null;
			return this.#logChange(groupId, tokenId, cause);
		})();
	}

	/** The sequence number of the latest revocation, 0 when there is none. */
	lastRevocation(): number {
		const row = this.#prepare('SELECT MAX(seq) AS seq FROM auth_revocations').get() as { seq: number | null };
		return row.seq ?? 0;
	}

	revocationsAfter(seq: number): { seq: number; groupId: string; tokenId: string; cause: AccessChangeCause }[] {
		return (
			this.#prepare('SELECT seq, group_id, token_id, cause FROM auth_revocations WHERE seq > ? ORDER BY seq').all(seq) as {
				seq: number;
				group_id: string;
				token_id: string;
				cause: AccessChangeCause;
			}[]
		).map((r) => ({ seq: r.seq, groupId: r.group_id, tokenId: r.token_id, cause: r.cause }));
	}

	/**
	 * Deletes the group's record, all its tokens (revoked ones too) and with them its feed
	 * generation; remembers the id as deleted and logs one whole-group revocation so every relay
	 * process closes the group's connections. False when there is no such group.
	 */
	deleteGroup(groupId: string, now = Date.now()): boolean {
		return this.#db.transaction(() => {
			if (!this.group(groupId)) return false;
			this.#prepare('DELETE FROM auth_tokens WHERE group_id = ?').run(groupId);
			this.#prepare('DELETE FROM auth_groups WHERE group_id = ?').run(groupId);
			this.#prepare('INSERT OR REPLACE INTO auth_deleted_groups (group_id, deleted_at) VALUES (?, ?)').run(groupId, now);
			this.#prepare('INSERT INTO auth_revocations (group_id, token_id) VALUES (?, ?)').run(groupId, WHOLE_GROUP);
			return true;
		})();
	}

	/** When the group was deleted by its owner, or null when it never was. */
	deletedAt(groupId: string): number | null {
		const row = this.#prepare('SELECT deleted_at FROM auth_deleted_groups WHERE group_id = ?').get(groupId) as
			| { deleted_at: number }
			| undefined;
		return row ? row.deleted_at : null;
	}

	/** Replaces the group's feed token by bumping its generation; returns the new generation. */
	rotateFeed(groupId: string): number {
		const row = this.#prepare('UPDATE auth_groups SET feed_generation = feed_generation + 1 WHERE group_id = ? RETURNING feed_generation').get(groupId) as { feed_generation: number } | undefined;
		if (!row) throw new Error(`Unknown group ${groupId}`);
		return row.feed_generation;
	}

	listGroups(): GroupSummary[] {
		const groups = (this.#prepare('SELECT * FROM auth_groups ORDER BY created_at, group_id').all() as GroupRow[]).map(toGroup);
		const counts = this.#prepare(
				`SELECT group_id, role, revoked_at IS NOT NULL AS revoked, COUNT(*) AS n
				 FROM auth_tokens GROUP BY group_id, role, revoked`
			)
			.all() as { group_id: string; role: MemberRole; revoked: number; n: number }[];
		const byGroup = new Map<string, GroupSummary>();
		for (const g of groups) byGroup.set(g.groupId, { ...g, tokens: { owner: 0, editor: 0, viewer: 0 }, revokedTokens: 0 });
		for (const c of counts) {
			const summary = byGroup.get(c.group_id);
			if (!summary) continue;
			if (c.revoked) summary.revokedTokens += c.n;
			else summary.tokens[c.role] += c.n;
		}
		return [...byGroup.values()];
	}
}
