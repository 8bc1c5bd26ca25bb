// The cluster's record of groups and tokens: the same operations as the SQLite TokenStore, on the
// `auth_` tables in PostgreSQL, so every relay process sees a token, a revocation or a deleted group
// at once. Calls stay synchronous (see sync-sql.ts): PostgreSQL is the only copy, nothing is cached.
import type { AccessChangeCause, MemberRole } from '../auth/types.ts';
import { WHOLE_GROUP, toGroup, toToken, type GroupRow, type TokenRow, type GroupRecord, type GroupSummary, type NewTokenOptions, type TokenKind, type TokenRecord, type TokenStoreApi } from '../auth/store.ts';
import { newTokenId } from '../auth/tokens.ts';
import { SqlError, type SyncSql } from './sync-sql.ts';

export class PostgresTokenStore implements TokenStoreApi {
	readonly #sql: SyncSql;
	readonly #secret: Buffer;

	constructor(sql: SyncSql) {
		this.#sql = sql;
		const row = sql.query<{ secret: Uint8Array }>('SELECT secret FROM auth_secret WHERE id = 1').rows[0];
		if (!row) throw new Error('The cluster database has no relay secret; its schema was not created.');
		this.#secret = Buffer.from(row.secret.buffer, row.secret.byteOffset, row.secret.byteLength);
	}

	get relaySecret(): Buffer {
		return this.#secret;
	}

	group(groupId: string): GroupRecord | null {
		const row = this.#sql.query<GroupRow>('SELECT * FROM auth_groups WHERE group_id = $1', [groupId]).rows[0];
		return row ? toGroup(row) : null;
	}

	createGroup(groupId: string, ownerTokenHash: Buffer, options: { name?: string | null; now?: number; label?: string } = {}): TokenRecord {
		const now = options.now ?? Date.now();
		return this.#sql.transaction(() => {
			this.#sql.query('INSERT INTO auth_groups (group_id, name, created_at) VALUES ($1, $2, $3)', [groupId, options.name ?? null, now]);
			return this.addToken(groupId, 'owner', ownerTokenHash, options.label ?? 'Created the group', now);
		});
	}

	/** Committed before it resolves (PostgreSQL is the only copy); null when the group or the token exists. */
	async registerGroup(groupId: string, ownerTokenHash: Buffer): Promise<TokenRecord | null> {
		try {
			return this.createGroup(groupId, ownerTokenHash);
		} catch (error) {
			// unique_violation: another process registered the id (or the token) first.
			if (error instanceof SqlError && error.code === '23505') return null;
			throw error;
		}
	}

	addToken(groupId: string, role: MemberRole, hash: Buffer, label: string, now: number | NewTokenOptions = {}): TokenRecord {
		const options: NewTokenOptions = typeof now === 'number' ? { now } : now;
		const id = newTokenId();
		const createdAt = options.now ?? Date.now();
		const kind = options.kind ?? 'member';
		const maxUses = kind === 'invite' ? (options.maxUses ?? null) : null;
		const inviteId = options.inviteId ?? null;
		this.#sql.query(
			'INSERT INTO auth_tokens (id, group_id, role, hash, label, created_at, kind, max_uses, invite_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
			[id, groupId, role, hash, label, createdAt, kind, maxUses, inviteId]
		);
		return { id, groupId, role, hash, label, createdAt, revokedAt: null, kind, maxUses, usedAt: null, inviteId, lastSeenAt: null };
	}

	redeemInvite(invite: TokenRecord, memberHash: Buffer, name: string, now = Date.now()): TokenRecord | null {
		return this.#sql.transaction(() => {
			// The row lock makes two processes redeeming one single-use link at once wait for each other.
			const spent = this.#sql.query(
				`UPDATE auth_tokens SET used_at = COALESCE(used_at, $1)
				 WHERE id = $2 AND kind = 'invite' AND revoked_at IS NULL AND (max_uses IS NULL OR used_at IS NULL)`,
				[now, invite.id]
			);
			if (spent.rowCount !== 1) return null;
			const member = this.addToken(invite.groupId, invite.role, memberHash, name, { now, inviteId: invite.id });
			this.#sql.query('UPDATE auth_tokens SET last_seen_at = $1 WHERE id = $2', [now, member.id]);
			return { ...member, lastSeenAt: now };
		});
	}

	rename(tokenId: string, name: string): void {
		this.#sql.query("UPDATE auth_tokens SET label = $1 WHERE id = $2 AND kind = 'member'", [name, tokenId]);
	}

	touch(tokenId: string, now = Date.now()): void {
		this.#sql.query('UPDATE auth_tokens SET last_seen_at = GREATEST(COALESCE(last_seen_at, 0), $1) WHERE id = $2', [now, tokenId]);
	}

	/** "Last seen" is written at once here (one query on a connection of its own), so nothing waits. */
	flushSeen(): void {}

	setRole(groupId: string, tokenId: string, role: MemberRole): number | null {
		return this.#sql.transaction(() => {
			const result = this.#sql.query(
				"UPDATE auth_tokens SET role = $1 WHERE group_id = $2 AND id = $3 AND kind = 'member' AND revoked_at IS NULL",
				[role, groupId, tokenId]
			);
			if (result.rowCount !== 1) return null;
			return this.#logChange(groupId, tokenId, 'role');
		});
	}

	activeOfKind(groupId: string, kind: TokenKind): TokenRecord[] {
		return this.#sql
			.query<TokenRow>('SELECT * FROM auth_tokens WHERE group_id = $1 AND kind = $2 AND revoked_at IS NULL ORDER BY created_at, ord', [groupId, kind])
			.rows.map(toToken);
	}

	allOfKind(groupId: string, kind: TokenKind): TokenRecord[] {
		return this.#sql.query<TokenRow>('SELECT * FROM auth_tokens WHERE group_id = $1 AND kind = $2 ORDER BY created_at, ord', [groupId, kind]).rows.map(toToken);
	}

	#logChange(groupId: string, tokenId: string, cause: AccessChangeCause): number {
		return this.#sql.query<{ seq: number }>('INSERT INTO auth_revocations (group_id, token_id, cause) VALUES ($1, $2, $3) RETURNING seq', [groupId, tokenId, cause])
			.rows[0].seq;
	}

	findByHash(hash: Buffer): TokenRecord | null {
		const row = this.#sql.query<TokenRow>('SELECT * FROM auth_tokens WHERE hash = $1', [hash]).rows[0];
		return row ? toToken(row) : null;
	}

	token(groupId: string, tokenId: string): TokenRecord | null {
		const row = this.#sql.query<TokenRow>('SELECT * FROM auth_tokens WHERE group_id = $1 AND id = $2', [groupId, tokenId]).rows[0];
		return row ? toToken(row) : null;
	}

	activeTokens(groupId: string): TokenRecord[] {
		return this.#sql.query<TokenRow>('SELECT * FROM auth_tokens WHERE group_id = $1 AND revoked_at IS NULL ORDER BY created_at, ord', [groupId]).rows.map(toToken);
	}

	revoke(groupId: string, tokenId: string, now = Date.now(), cause: AccessChangeCause = 'revoked'): number | null {
		return this.#sql.transaction(() => {
			const result = this.#sql.query('UPDATE auth_tokens SET revoked_at = $1 WHERE group_id = $2 AND id = $3 AND revoked_at IS NULL', [now, groupId, tokenId]);
			if (result.rowCount !== 1) return null;
			return this.#logChange(groupId, tokenId, cause);
		});
	}

	lastRevocation(): number {
		return this.#sql.query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM auth_revocations').rows[0].seq ?? 0;
	}

	revocationsAfter(seq: number): { seq: number; groupId: string; tokenId: string; cause: AccessChangeCause }[] {
		return this.#sql
			.query<{ seq: number; group_id: string; token_id: string; cause: AccessChangeCause }>(
				'SELECT seq, group_id, token_id, cause FROM auth_revocations WHERE seq > $1 ORDER BY seq',
				[seq]
			)
			.rows.map((r) => ({ seq: r.seq, groupId: r.group_id, tokenId: r.token_id, cause: r.cause }));
	}

	deleteGroup(groupId: string, now = Date.now()): boolean {
		return this.#sql.transaction(() => {
			if (this.#sql.query('SELECT 1 FROM auth_groups WHERE group_id = $1 FOR UPDATE', [groupId]).rowCount === 0) return false;
			this.#sql.query('DELETE FROM auth_tokens WHERE group_id = $1', [groupId]);
			this.#sql.query('DELETE FROM auth_groups WHERE group_id = $1', [groupId]);
			this.#sql.query(
				'INSERT INTO auth_deleted_groups (group_id, deleted_at) VALUES ($1, $2) ON CONFLICT (group_id) DO UPDATE SET deleted_at = excluded.deleted_at',
				[groupId, now]
			);
			this.#sql.query('INSERT INTO auth_revocations (group_id, token_id) VALUES ($1, $2)', [groupId, WHOLE_GROUP]);
			return true;
		});
	}

	deletedAt(groupId: string): number | null {
		return this.#sql.query<{ deleted_at: number }>('SELECT deleted_at FROM auth_deleted_groups WHERE group_id = $1', [groupId]).rows[0]?.deleted_at ?? null;
	}

	rotateFeed(groupId: string): number {
		const row = this.#sql.query<{ feed_generation: number }>(
			'UPDATE auth_groups SET feed_generation = feed_generation + 1 WHERE group_id = $1 RETURNING feed_generation',
			[groupId]
		).rows[0];
		if (!row) throw new Error(`Unknown group ${groupId}`);
		return row.feed_generation;
	}

	listGroups(): GroupSummary[] {
		const groups = this.#sql.query<GroupRow>('SELECT * FROM auth_groups ORDER BY created_at, group_id').rows.map(toGroup);
		const counts = this.#sql.query<{ group_id: string; role: MemberRole; revoked: boolean; n: number }>(
			`SELECT group_id, role, revoked_at IS NOT NULL AS revoked, COUNT(*)::int AS n FROM auth_tokens GROUP BY group_id, role, revoked`
		).rows;
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
