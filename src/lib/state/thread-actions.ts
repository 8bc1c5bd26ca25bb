// What a thread's components are given by the page: who is looking, and the writes they may make.
// Every write returns the error to show, or null when it worked.
import { ModelError, type Flag, type Member, type ReplyParentKind, type Target } from '$lib/model';

/** Levels of replies shown before the deeper ones fold behind "Show N more replies". */
export const SHOWN_DEPTH = 4;

export interface ThreadActions {
	me: string;
	canEdit: boolean;
	owner: boolean;
	members: Member[];
	nameOf(memberId: string): string;
	/** A mentioned member's current name, or null to keep the written one. */
	names(memberId: string): string | null;
	isHidden(target: Target): boolean;
	myFlag(target: Target): Flag | null;
	reply(parent: { kind: ReplyParentKind; id: string }, text: string): string | null;
	edit(replyId: string, text: string): string | null;
	remove(replyId: string): string | null;
	flag(target: Target, reason: string): string | null;
	unflag(target: Target): void;
	setHidden(target: Target, hidden: boolean): void;
}

/** Something the page needs of the workspace to build a thread's actions. */
export interface ThreadWorkspace {
	canEdit: boolean;
	role: string;
	profile: { memberId: string };
	group: import('./group.svelte').GroupState;
}

function tryIt(change: () => void): string | null {
	try {
		change();
		return null;
	} catch (error) {
		return error instanceof ModelError ? error.message : 'That did not work. Please try again.';
	}
}

/** The reads and writes a thread's components use, as this member. */
export function threadActions(workspace: ThreadWorkspace): ThreadActions {
	const group = workspace.group;
	return {
		me: workspace.profile.memberId,
		canEdit: workspace.canEdit,
		owner: workspace.role === 'owner',
		members: group.members,
		nameOf: (id) => group.memberName(id),
		names: (id) => group.member(id)?.name ?? null,
		isHidden: (target) => group.isHidden(target),
		myFlag: (target) => group.myFlag(target),
		reply: (parent, text) => tryIt(() => group.addReply(parent, text)),
		edit: (replyId, text) => tryIt(() => group.editReply(replyId, text)),
		remove: (replyId) => tryIt(() => group.deleteReply(replyId)),
		flag: (target, reason) => tryIt(() => group.flag(target, reason)),
		unflag: (target) => void tryIt(() => group.unflag(target)),
		setHidden: (target, hidden) => void tryIt(() => group.setHidden(target, hidden))
	};
}
