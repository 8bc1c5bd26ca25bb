// The relay's refusals and other sync trouble, in the member's words. What a close code means is
// the shared rule (src/lib/rules/close-codes.ts); the words are the app's.
import { refusalMeaning, type RefusalMeaning } from '$lib/rules';
import type { SyncErrorReason } from './types';

export interface Refusal {
	reason: SyncErrorReason;
	message: string;
}

export const STORAGE_MESSAGE =
	'Could not save to browser storage. Your changes are kept in this tab; keep it open until the status says "Up to date".';

export const SCHEMA_MESSAGE =
	'This group was saved by a newer version of Commonplace. Reload the page to update the app; until then the group is read-only.';

const REFUSALS: Record<RefusalMeaning, Refusal> = {
	malformed: {
		reason: 'malformed',
		message: 'The relay could not read a message from this browser. Reload the page; if it keeps happening, the app may need an update.'
	},
	deleted: {
		reason: 'deleted',
		message: "This group was deleted by its owner. Your copy stays in this browser until you remove it in the group's settings; export it there first if you want to keep it."
	},
	revoked: { reason: 'revoked', message: "This invite link has been revoked — ask the group's owner for a new one. Your copy of the group stays in this browser." },
	removed: {
		reason: 'revoked',
		message: "The group's owner removed you from this group. Your copy of the group stays in this browser; ask the owner if this was a mistake."
	},
	'invite-used': { reason: 'revoked', message: "This invite link has already been used — ask the group's owner for a new one." },
	'bad-token': {
		reason: 'bad-token',
		message: "The relay does not accept this browser's invite for the group — ask the group's owner for a new invite link. Your copy of the group stays in this browser."
	},
	'invite-not-joined': {
		reason: 'forbidden',
		message: 'This browser joined with a single-use invite link while the relay could not be reached. Reload the page when you are online to finish joining.'
	},
	forbidden: {
		reason: 'forbidden',
		message: "The relay refused to sync this group. If you created it here, this relay may not allow new groups; otherwise ask the group's owner."
	},
	timeout: { reason: 'relay', message: 'A message to the relay took too long to arrive. Check your connection and reload the page.' },
	'too-large': {
		reason: 'too-large',
		message: 'The relay refused a change because it is too large. Your changes are kept in this browser; try splitting a large import into smaller files.'
	},
	'rate-limited': { reason: 'rate-limited', message: 'The relay is refusing connections for a while after too many attempts. It will try again in a minute.' },
	relay: { reason: 'relay', message: 'The relay refused to sync this group. Your changes are kept in this browser.' }
};

/** What a close code means for the member, or null when the close is not a refusal. */
export function refusalFor(code: number): Refusal | null {
	const meaning = refusalMeaning(code);
	return meaning ? REFUSALS[meaning] : null;
}
