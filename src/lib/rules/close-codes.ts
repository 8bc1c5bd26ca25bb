// The WebSocket close codes the relay sends and what each means, shared by the relay (which closes
// with them) and the app (which tells the member what happened). 4400–4499 are permanent refusals:
// the app stops reconnecting until something changes (4429 excepted, which passes after a while).

export const CloseCode = {
	goingAway: 1001,
	internalError: 1011,
	tryAgainLater: 1013,
	malformed: 4400,
	/** The token is not one of the group's (or none was given). */
	unauthorized: 4401,
	/** The token was the group's, but its owner revoked it. */
	revoked: 4402,
	forbidden: 4403,
	/** The group was deleted by its owner (as HTTP 410 Gone). */
	groupDeleted: 4410,
	tooLarge: 4413,
	rateLimited: 4429
} as const;

export type RefusalCode = (typeof CloseCode)[
	'malformed' | 'unauthorized' | 'revoked' | 'forbidden' | 'groupDeleted' | 'tooLarge' | 'rateLimited'
];

/** What a refusal means for the app; the words the member reads are the app's own. */
export type RefusalReason = 'malformed' | 'bad-token' | 'revoked' | 'forbidden' | 'deleted' | 'too-large' | 'rate-limited' | 'relay';

/** The meaning of a close code, or null when it is not a refusal (a network drop, a relay restart). */
export function refusalReason(code: number): RefusalReason | null {
	switch (code) {
		case CloseCode.malformed:
			return 'malformed';
		case CloseCode.unauthorized:
			return 'bad-token';
		case CloseCode.revoked:
			return 'revoked';
		case CloseCode.forbidden:
			return 'forbidden';
		case CloseCode.groupDeleted:
			return 'deleted';
		case CloseCode.tooLarge:
			return 'too-large';
		case CloseCode.rateLimited:
			return 'rate-limited';
		default:
			return code >= 4400 && code < 4500 ? 'relay' : null;
	}
}

/** True for refusals that pass by themselves, after which the app may connect again. */
export function isTemporaryRefusal(code: number): boolean {
	return code === CloseCode.rateLimited;
}
