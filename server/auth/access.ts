// Access decisions for one relay: who may sync or read feeds of which group, and the owner's
// operations on tokens. The HTTP API and the operator CLI both go through here.
import type { Database } from 'better-sqlite3';
import { resolveAuthConfig, type AuthConfig, type ResolvedAuthConfig } from './config';
import { mayCreate } from './creation';
import { BadTokenLimiter, type LimiterVerdict } from './rate-limit';
import { refusals } from './refusals';
import { TokenStore, WHOLE_GROUP, type AccessChangeCause, type GroupRegistrar, type TokenRecord, type TokenStoreApi } from './store';
import { deriveFeedToken, hashToken, isStrongToken, MAX_TOKEN_LENGTH, newToken, sameHash, sameSecret } from './tokens';
import type { MemberRole, Refusal, SyncRequest, SyncVerdict } from './types';

/** Group ids are what the app's `randomId` makes (hex), but any short URL-safe id is accepted. */
const GROUP_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** How many earlier feed generations are recognised, to say "replaced" rather than "not valid". */
const FEED_HISTORY = 20;

export const MEMBER_ROLES: readonly MemberRole[] = ['owner', 'editor', 'viewer'];

export function isGroupId(groupId: string): boolean {
	return GROUP_ID.test(groupId);
}

export interface IssuedToken {
	token: string;
	record: TokenRecord;
}

/** `tokenId` null: the whole group was deleted. `cause` says why the token's connections must close. */
export type RevokeListener = (groupId: string, tokenId: string | null, cause: AccessChangeCause) => void;

/** A revoked token in words: a member who joined was removed; anything else is a revoked link. */
const revokedRefusal = (record: TokenRecord): Refusal => (record.kind === 'member' && record.inviteId !== null ? refusals.removed() : refusals.revoked());

/** A single-use invite never opens the group itself: joining exchanges it for a member token. */
function unusableInvite(record: TokenRecord): Refusal | null {
	if (record.kind !== 'invite' || record.maxUses !== 1) return null;
	return record.usedAt === null ? refusals.inviteNotJoined() : refusals.inviteUsed();
}

/** A member's name as they gave it on joining; the creator's token is labelled, not named. */
function memberNameOf(record: TokenRecord): string {
	return record.kind === 'member' && record.inviteId ? record.label : '';
}

export class GroupAccess {
	readonly config: ResolvedAuthConfig;
	readonly store: TokenStoreApi;
	readonly #limiter: BadTokenLimiter;
	readonly #listeners = new Set<RevokeListener>();
	/** The last revocation the listeners were told of. */
	#seenRevocation: number;
	/** New groups being written, by id: other connections to them wait and are decided afresh. */
	readonly #registering = new Map<string, Promise<SyncVerdict>>();

	/**
	 * `source`: the relay's SQLite database, or a token store of its own (the cluster's PostgreSQL one).
	 * `registrar`: with SQLite, where new groups are written (the storage's writer thread).
	 */
	constructor(source: Database | TokenStoreApi, config: AuthConfig, registrar: GroupRegistrar | null = null) {
		this.config = resolveAuthConfig(config);
		this.store = 'findByHash' in source ? source : new TokenStore(source, registrar);
		this.#limiter = new BadTokenLimiter({
			slowAfter: this.config.badTokenSlowAfter,
			limit: this.config.badTokenLimit,
			windowMs: this.config.badTokenWindowMs,
			blockMs: this.config.badTokenBlockMs
		});
		this.#seenRevocation = this.store.lastRevocation();
	}

	/**
	 * Who may sync: decided at once for a known token; a new group (`create`) is registered first,
	 * and the promise resolves once the group and its owner's token are on disk.
	 */
	authorizeSync(request: SyncRequest): SyncVerdict | Promise<SyncVerdict> {
		return this.#authorizeSync(request, false);
	}

	#authorizeSync(request: SyncRequest, retried: boolean): SyncVerdict | Promise<SyncVerdict> {
		const { groupId, token, create, remoteAddress } = request;
		const refused = this.#precheck(groupId);
		if (refused) return refused;
		if (!token) return refusals.missingToken();

		const held = this.#lookup(token);
		const found = held && this.#ofGroup(held, groupId);
		if (found) {
			if (found.revokedAt !== null) return revokedRefusal(found);
			const unusable = unusableInvite(found);
			if (unusable) return unusable;
			this.#seen(found);
			return { ok: true, groupId, role: found.role, tokenId: found.id, memberName: memberNameOf(found), created: false };
		}
		// The group is being registered: once it is on disk, this token is its owner's or a wrong one.
		const registering = this.#registering.get(groupId);
		if (registering) {
			const decide = () => this.#authorizeSync(request, retried);
			return registering.then(decide, decide);
		}
		const blocked = this.#blocked(remoteAddress);
		if (blocked) return blocked;

		const group = this.store.group(groupId);
		if (group) {
			if (this.#isCurrentFeedToken(groupId, group.feedGeneration, token)) return refusals.feedTokenCannotSync();
			return this.#fail(remoteAddress, create ? refusals.groupExists() : refusals.badToken());
		}
		if (!create) return this.#fail(remoteAddress, refusals.badToken());
		if (!isStrongToken(token)) {
			return refusals.malformed('A new group needs a token of at least 22 random URL-safe characters.');
		}
		// Looked up above (no need to hash and look it up again): another group's token is not made this one's.
		if (held?.record) {
			return refusals.malformed('This token already belongs to another group; make a new one for a new group.');
		}
		const hash = held?.hash ?? hashToken(token);
		if (!mayCreate(this.config, request.createToken)) {
			// A wrong creation token is a guess like a wrong member token; a missing one is not.
			return request.createToken ? this.#fail(remoteAddress, refusals.creationClosed()) : refusals.creationClosed();
		}
		// Forgotten the moment it settles, so the connections that waited are decided on what is stored.
		const settle = (): void => {
			if (this.#registering.get(groupId) === registered) this.#registering.delete(groupId);
		};
		const registered = this.store.registerGroup(groupId, hash).then(
			(owner): SyncVerdict | Promise<SyncVerdict> => {
				settle();
				if (owner) return { ok: true, groupId, role: 'owner', tokenId: owner.id, memberName: '', created: true };
				// Someone else registered the id (another process) or the token first: decided as if it existed.
				return retried ? refusals.groupExists() : this.#authorizeSync(request, true);
			},
			(error: unknown) => {
				settle();
				throw error;
			}
		);
		this.#registering.set(groupId, registered);
		return registered;
	}

	authorizeFeed(groupId: string, token: string | null, remoteAddress: string): { ok: true } | Refusal {
		const refused = this.#precheck(groupId);
		if (refused) return refused;
		if (!token) return refusals.missingToken();
		const group = this.store.group(groupId);
		if (group && this.#isCurrentFeedToken(groupId, group.feedGeneration, token)) return { ok: true };
		// A member's own token reads the feeds too.
		const member = group ? this.#find(groupId, token) : null;
		if (member) return member.revokedAt === null ? { ok: true } : refusals.revoked();
		const blocked = this.#blocked(remoteAddress);
		if (blocked) return blocked;
		if (!group) return this.#fail(remoteAddress, refusals.badToken());
		for (let g = group.feedGeneration - 1; g >= Math.max(0, group.feedGeneration - FEED_HISTORY); g--) {
			if (sameSecret(token, deriveFeedToken(this.store.relaySecret, groupId, g))) return refusals.feedRevoked();
		}
		return this.#fail(remoteAddress, refusals.badToken());
	}

	/** Who holds `token` in this group, for the HTTP API: a member token, never the feed token. */
	authenticate(groupId: string, token: string | null, remoteAddress: string): TokenRecord | Refusal {
		const refused = this.#precheck(groupId);
		if (refused) return refused;
		if (!token) return refusals.missingToken();
		const found = this.#find(groupId, token);
		if (found) {
			if (found.revokedAt !== null) return revokedRefusal(found);
			if (found.kind === 'invite' && found.maxUses === 1 && found.usedAt !== null) return refusals.inviteUsed();
			this.#seen(found);
			return found;
		}
		const blocked = this.#blocked(remoteAddress);
		if (blocked) return blocked;
		const group = this.store.group(groupId);
		if (group && this.#isCurrentFeedToken(groupId, group.feedGeneration, token)) return refusals.feedTokenCannotSync();
		return this.#fail(remoteAddress, refusals.badToken());
	}

	/** Registers a group from the operator's side, with a fresh owner token. */
	registerGroup(groupId: string, name: string | null): IssuedToken {
		if (!isGroupId(groupId)) throw new Error('A group id must be 1 to 128 letters, digits, - or _.');
		if (this.store.group(groupId)) throw new Error(`The group ${groupId} already exists.`);
		if (this.store.deletedAt(groupId) !== null) throw new Error(`The group ${groupId} was deleted; its id is not used again.`);
		const token = newToken();
		const record = this.store.createGroup(groupId, hashToken(token), { name, label: 'Created by the operator' });
		return { token, record };
	}

	/** An invite link; `maxUses` 1 makes it single-use, null lets any number of people join with it. */
	createInvite(groupId: string, role: MemberRole, label: string, maxUses: 1 | null = null): IssuedToken {
		const token = newToken();
		return { token, record: this.store.addToken(groupId, role, hashToken(token), label, { kind: 'invite', maxUses }) };
	}

	listInvites(groupId: string): TokenRecord[] {
		return this.store.activeTokens(groupId);
	}

	/** Revokes a token and tells the listeners (the relay closes its live connections). */
	revoke(groupId: string, tokenId: string, cause: AccessChangeCause = 'revoked'): boolean {
		if (this.store.revoke(groupId, tokenId, Date.now(), cause) === null) return false;
		this.pollRevocations();
		return true;
	}

	/**
	 * Deletes the group's tokens and feed generation and remembers it as deleted for good; the
	 * listeners hear `(groupId, null)` and close every connection of the group. False when unknown.
	 */
	deleteGroup(groupId: string): boolean {
		if (!this.store.deleteGroup(groupId)) return false;
		this.pollRevocations();
		return true;
	}

	/** Tells the listeners of revocations not yet told, including those another process made. */
	pollRevocations(): void {
		for (const revocation of this.store.revocationsAfter(this.#seenRevocation)) {
			this.#seenRevocation = revocation.seq;
			const tokenId = revocation.tokenId === WHOLE_GROUP ? null : revocation.tokenId;
			for (const listener of this.#listeners) {
				try {
					listener(revocation.groupId, tokenId, revocation.cause);
				} catch {
					// One failing listener must not keep the others from closing connections.
				}
			}
		}
	}

	onRevoke(listener: RevokeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	feedToken(groupId: string): string | null {
		const group = this.store.group(groupId);
		return group ? deriveFeedToken(this.store.relaySecret, groupId, group.feedGeneration) : null;
	}

	rotateFeedToken(groupId: string): string {
		const generation = this.store.rotateFeed(groupId);
		return deriveFeedToken(this.store.relaySecret, groupId, generation);
	}

	/**
	 * The group's token matching `token`, revoked or not; null when it is not one of this group's.
	 * The index lookup compares SHA-256 hashes, whose timing says nothing about the token itself;
	 * the stored hash is then compared once more in constant time.
	 */
	#find(groupId: string, token: string): TokenRecord | null {
		const held = this.#lookup(token);
		return held && this.#ofGroup(held, groupId);
	}

	/** The token's hash and the token stored with it (of any group); null for a token too long to hash. */
	#lookup(token: string): { hash: Buffer; record: TokenRecord | null } | null {
		if (token.length > MAX_TOKEN_LENGTH) return null;
		const hash = hashToken(token);
		return { hash, record: this.store.findByHash(hash) };
	}

	#ofGroup({ hash, record }: { hash: Buffer; record: TokenRecord | null }, groupId: string): TokenRecord | null {
		if (!record || record.groupId !== groupId || !sameHash(record.hash, hash)) return null;
		return record;
	}

	/** Members' "last seen"; invites have none of their own. */
	#seen(record: TokenRecord): void {
		if (record.kind === 'member') this.store.touch(record.id);
	}

	#isCurrentFeedToken(groupId: string, generation: number, token: string): boolean {
		return sameSecret(token, deriveFeedToken(this.store.relaySecret, groupId, generation));
	}

	/** What every request is refused for before its token is looked at: a bad id, a deleted group. */
	#precheck(groupId: string): Refusal | null {
		if (!isGroupId(groupId)) return refusals.malformed('This group id is not valid.');
		if (this.store.deletedAt(groupId) !== null) return refusals.groupDeleted();
		return null;
	}

	/**
	 * An address that presented too many bad tokens is refused for anything but a good token: a shared
	 * network (an office, a school behind one NAT) keeps working for its members while the guessing
	 * stops. Tokens carry 128 random bits, so letting good ones through tells a guesser nothing.
	 */
	#blocked(remoteAddress: string): Refusal | null {
		const gate = this.#limiter.check(remoteAddress);
		return gate.blocked ? refusals.rateLimited(gate.retryAfterMs) : null;
	}

	/** Counts a bad token from this address and slows the refusal once it keeps happening. */
	#fail(remoteAddress: string, refusal: Refusal): Refusal {
		const verdict: LimiterVerdict = this.#limiter.fail(remoteAddress);
		// A blocked address is answered at once: holding its sockets open would cost the relay more than it.
		if (verdict.blocked) return refusal;
		return verdict.delayMs > 0 ? { ...refusal, delayMs: verdict.delayMs } : refusal;
	}
}
