// Every way access control says no, named, with the words a member or operator reads.
import type { Refusal } from './types';

function refuse(status: Refusal['status'], closeCode: Refusal['closeCode'], reason: string, message: string): Refusal {
	return { ok: false, status, closeCode, reason, message };
}

export const refusals = {
	malformed: (what: string) => refuse(400, 4400, 'malformed', what),
	missingToken: () =>
		refuse(401, 4401, 'missing-token', 'This link has no access token. Open the invite link you were given again.'),
	badToken: () =>
		refuse(
			401,
			4401,
			'bad-token',
			'This link is not valid for this group. Check that you copied the whole invite link, or ask the group’s owner for a new one.'
		),
	revoked: () =>
		refuse(401, 4401, 'revoked', 'This invite link has been revoked — ask the group’s owner for a new one.'),
	/** A member's own token, revoked because the owner removed them. */
	removed: () => refuse(401, 4401, 'removed', 'The group’s owner removed you from this group — ask them if this was a mistake.'),
	inviteUsed: () =>
		refuse(401, 4401, 'invite-used', 'This invite link has already been used — ask the group’s owner for a new one.'),
	/** A single-use invite is exchanged for a member token by joining; it never syncs itself. */
	inviteNotJoined: () =>
		refuse(403, 4403, 'invite-not-joined', 'This is a single-use invite link: open it in a browser to join the group first.'),
	feedTokenCannotSync: () =>
		refuse(403, 4403, 'feed-token', 'This is a feed link: it can only be used in a feed reader, not to open the group.'),
	groupExists: () =>
		refuse(
			403,
			4403,
			'group-exists',
			'A group with this id already exists on the relay, so it was not created again. Open it with an invite link from its owner.'
		),
	creationClosed: () =>
		refuse(
			403,
			4403,
			'creation-forbidden',
			'This relay creates new groups only for people who have its creation token. Ask the relay’s operator for it, or for an invite to an existing group.'
		),
	/** HTTP 410 before the upgrade; a live connection closes with 4401 like any token that stopped working. */
	groupDeleted: () =>
		refuse(
			410,
			4401,
			'group-deleted',
			'This group was deleted by its owner. The relay no longer keeps or syncs it; any copy in your browser is all that is left.'
		),
	notOwner: () => refuse(403, 4403, 'forbidden', 'Only the group’s owner can do this.'),
	feedRevoked: () =>
		refuse(401, 4401, 'revoked', 'This feed link has been replaced by the group’s owner. Ask a member for the new one.'),
	rateLimited: (retryAfterMs: number): Refusal => ({
		...refuse(
			429,
			4429,
			'rate-limited',
			`Too many attempts with wrong links from your network. Try again in ${Math.ceil(retryAfterMs / 60_000)} minute(s).`
		),
		retryAfterMs
	})
};
