// The WebSocket close codes the relay sends and what each means, shared by the relay (which closes
// with them) and the app (which tells the member what happened). 4400–4499 are refusals: the app
// stops reconnecting until something changes (4429 excepted, which passes after a while). Every
// refusal has a code of its own, so the app never reads the relay's words to know which it is.

export const CloseCode = {
	goingAway: 1001,
	internalError: 1011,
	tryAgainLater: 1013,
	/** Not a refusal: the token's access changed (a new role); reconnecting picks it up. */
	accessChanged: 4100,
	malformed: 4400,
	/** The token is not one of the group's (or none was given). */
	unauthorized: 4401,
	/** The token was the group's, but its owner revoked it. */
	revoked: 4402,
	forbidden: 4403,
	/** The owner removed this member from the group (their token is revoked). */
	removed: 4405,
	/** A single-use invite that has already been used to join. */
	inviteUsed: 4406,
	/** A single-use invite tried to sync before it was exchanged for a member token by joining. */
	inviteNotJoined: 4407,
	/** A message took too long to arrive whole. */
	timeout: 4408,
	/** The group was deleted by its owner (as HTTP 410 Gone). */
	groupDeleted: 4410,
	tooLarge: 4413,
	rateLimited: 4429
} as const;

export type RefusalCode = (typeof CloseCode)[
	| 'malformed'
	| 'unauthorized'
	| 'revoked'
	| 'forbidden'
	| 'removed'
	| 'inviteUsed'
	| 'inviteNotJoined'
	| 'timeout'
	| 'groupDeleted'
	| 'tooLarge'
	| 'rateLimited'];

/** What a refusal means; the words the member reads are the app's (src/lib/sync/refusals.ts). */
export type RefusalMeaning =
	| 'malformed'
	| 'bad-token'
	| 'revoked'
	| 'removed'
	| 'invite-used'
	| 'invite-not-joined'
	| 'forbidden'
	| 'timeout'
	| 'deleted'
	| 'too-large'
	| 'rate-limited'
	| 'relay';

const MEANINGS: Record<number, RefusalMeaning> = {
	[CloseCode.malformed]: 'malformed',
	[CloseCode.unauthorized]: 'bad-token',
	[CloseCode.revoked]: 'revoked',
	[CloseCode.forbidden]: 'forbidden',
	[CloseCode.removed]: 'removed',
	[CloseCode.inviteUsed]: 'invite-used',
	[CloseCode.inviteNotJoined]: 'invite-not-joined',
	[CloseCode.timeout]: 'timeout',
	[CloseCode.groupDeleted]: 'deleted',
	[CloseCode.tooLarge]: 'too-large',
	[CloseCode.rateLimited]: 'rate-limited'
};

/** The meaning of a close code, or null when it is not a refusal (a network drop, a relay restart). */
export function refusalMeaning(code: number): RefusalMeaning | null {
	return MEANINGS[code] ?? (code >= 4400 && code < 4500 ? 'relay' : null);
}

/** True for refusals that pass by themselves, after which the app may connect again. */
export function isTemporaryRefusal(code: number): boolean {
	return code === CloseCode.rateLimited;
}
