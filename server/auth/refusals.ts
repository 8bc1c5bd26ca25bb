// Every way access control says no, named, with the words a member or operator reads.
import { CloseCode } from '../../src/lib/rules/index';
import type { Refusal } from './types';

function refuse(status: Refusal['status'], closeCode: Refusal['closeCode'], reason: string, message: string): Refusal {
	return { ok: false, status, closeCode, reason, message };
}

export const refusals = {
	malformed: (what: string) => refuse(400, CloseCode.malformed, 'malformed', what),
	missingToken: () =>
		refuse(401, CloseCode.unauthorized, 'missing-token', 'This link has no access token. Open the invite link you were given again.'),
	badToken: () =>
		refuse(
			401,
			CloseCode.unauthorized,
			'bad-token',
			'This link is not valid for this group. Check that you copied the whole invite link, or ask the group’s owner for a new one.'
		),
	revoked: () =>
		refuse(401, CloseCode.revoked, 'revoked', 'This invite link has been revoked — ask the group’s owner for a new one.'),
	/** A member's own token, revoked because the owner removed them. */
	removed: () => refuse(401, CloseCode.removed, 'removed', 'The group’s owner removed you from this group — ask them if this was a mistake.'),
	inviteUsed: () =>
		refuse(401, CloseCode.inviteUsed, 'invite-used', 'This invite link has already been used — ask the group’s owner for a new one.'),
	/** A single-use invite is exchanged for a member token by joining; it never syncs itself. */
	inviteNotJoined: () =>
		refuse(403, CloseCode.inviteNotJoined, 'invite-not-joined', 'This is a single-use invite link: open it in a browser to join the group first.'),
	feedTokenCannotSync: () =>
		refuse(403, CloseCode.forbidden, 'feed-token', 'This is a feed link: it can only be used in a feed reader, not to open the group.'),
	groupExists: () =>
		refuse(
			403,
			CloseCode.forbidden,
			'group-exists',
			'A group with this id already exists on the relay, so it was not created again. Open it with an invite link from its owner.'
		),
	creationClosed: () =>
		refuse(
			403,
			CloseCode.forbidden,
			'creation-forbidden',
			'This relay creates new groups only for people who have its creation token. Ask the relay’s operator for it, or for an invite to an existing group.'
		),
	/** HTTP 410 before the upgrade, close code 4410 after it. */
	groupDeleted: () =>
		refuse(
			410,
			CloseCode.groupDeleted,
			'group-deleted',
			'This group was deleted by its owner. The relay no longer keeps or syncs it; any copy in your browser is all that is left.'
		),
	notOwner: () => refuse(403, CloseCode.forbidden, 'forbidden', 'Only the group’s owner can do this.'),
	feedRevoked: () =>
		refuse(401, CloseCode.revoked, 'revoked', 'This feed link has been replaced by the group’s owner. Ask a member for the new one.'),
	rateLimited: (retryAfterMs: number): Refusal => ({
		...refuse(
			429,
			CloseCode.rateLimited,
			'rate-limited',
			`Too many attempts with wrong links from your network. Try again in ${Math.ceil(retryAfterMs / 60_000)} minute(s).`
		),
		retryAfterMs
	})
};
