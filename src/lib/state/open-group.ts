// Opening a group's pages: the group as this browser holds it and the member's profile, a join made
// offline finished first if the relay answers, then its workspace; closed again when the pages go.
import { getGroup, getProfile, patchGroup, removeGroup } from '$lib/storage/registry';
import { closeWorkspace, openWorkspace, type Workspace } from './workspace.svelte';
import { finishJoin, keepTryingToJoin } from './join';

export interface OpenGroupCallbacks {
	/** The workspace to show (again when a late join gave this browser its own token). */
	opened(workspace: Workspace): void;
	/** This browser does not hold the group (or could not read it). */
	missing(): void;
}

/** Opens the group `groupId`; returns the function that closes it. */
export function openGroupPages(groupId: string, on: OpenGroupCallbacks): () => void {
	let cancelled = false;
	let stopJoining = () => {};
	(async () => {
		const [found, profile] = await Promise.all([getGroup(groupId), getProfile()]);
		if (cancelled) return;
		if (!found) return on.missing();
		// Joined offline: exchange the invite link for this browser's own token first, if the relay answers.
		const stored = await finishJoin(found, profile.name);
		if (cancelled) return;
		on.opened(openWorkspace(stored, profile));
		stopJoining = keepTryingToJoin(stored, profile.name, (joined) => {
			if (!cancelled) on.opened(openWorkspace(joined, profile));
		});
		void patchGroup(groupId, { lastOpenedAt: Date.now() }).catch(() => {});
	})().catch(() => {
		if (!cancelled) on.missing();
	});
	return () => {
		cancelled = true;
		stopJoining();
		closeWorkspace(groupId);
	};
}

/** Removes the group from this browser: its session, its token and its stored copy. */
export async function forgetGroup(groupId: string): Promise<void> {
	closeWorkspace(groupId);
	await removeGroup(groupId);
}
