// What this browser remembers: the groups it holds, with their tokens, and the member using it.
import type { Role } from '$lib/model';

export interface StoredGroup {
	groupId: string;
	/** The token this browser syncs with: its own member token (or, until `joinPending` is done, the invite link's). */
	token: string;
	role: Role;
	/** The name last seen, for the home page before the group loads. */
	name: string;
	/** True until the relay has accepted this browser's creation of the group. */
	unregistered: boolean;
	addedAt: number;
	lastOpenedAt: number;
	/** True for the copy of the sample group "Tic&Travail" this browser made. */
	sample?: boolean;
	/** Joined while the relay could not be reached: the invite still has to be exchanged for the member's own token. */
	joinPending?: boolean;
}

export interface Profile {
	memberId: string;
	name: string;
	color: string;
}
