// What the extension remembers outside the group documents, in chrome.storage.local: the groups it
// signed in to (each with its relay's origin and token), the member's profile, and which group each
// page is annotated in.
import type { Role } from '$lib/model';
import { newProfile } from '$lib/storage/registry';
import type { Profile } from '$lib/storage/types';

export interface ExtensionGroup {
	groupId: string;
	token: string;
	role: Role;
	name: string;
	/** The relay's origin, from the invite link. */
	origin: string;
	addedAt: number;
}

interface Stored {
	groups?: ExtensionGroup[];
	profile?: Profile;
	/** Normalised page URL → the group chosen for it. */
	pageGroups?: Record<string, string>;
	/** The group last chosen or joined, for pages no group has yet. */
	lastGroupId?: string;
}

const KEYS = ['groups', 'profile', 'pageGroups', 'lastGroupId'] as const;

async function read(): Promise<Stored> {
	return (await chrome.storage.local.get([...KEYS])) as Stored;
}

export async function listGroups(): Promise<ExtensionGroup[]> {
	const { groups } = await read();
	return Array.isArray(groups) ? groups : [];
}

export async function saveGroup(group: ExtensionGroup): Promise<void> {
	const groups = (await listGroups()).filter((g) => g.groupId !== group.groupId);
	await chrome.storage.local.set({ groups: [...groups, group], lastGroupId: group.groupId });
}

export async function removeGroup(groupId: string): Promise<void> {
	const { groups = [], pageGroups = {}, lastGroupId } = await read();
	const kept = Object.fromEntries(Object.entries(pageGroups).filter(([, id]) => id !== groupId));
	await chrome.storage.local.set({
		groups: groups.filter((g) => g.groupId !== groupId),
		pageGroups: kept,
		lastGroupId: lastGroupId === groupId ? '' : lastGroupId
	});
}

/** The member using this browser; made up on first call, like the app does. */
export async function getProfile(): Promise<Profile> {
	const { profile } = await read();
	if (profile && typeof profile.memberId === 'string' && profile.memberId) return profile;
	const made = newProfile();
	await chrome.storage.local.set({ profile: made });
	return made;
}

export async function saveProfile(profile: Profile): Promise<void> {
	await chrome.storage.local.set({ profile });
}

export async function pageGroupChoice(url: string): Promise<{ chosen: string | null; last: string | null }> {
	const { pageGroups = {}, lastGroupId } = await read();
	return { chosen: pageGroups[url] ?? null, last: lastGroupId || null };
}

export async function choosePageGroup(url: string, groupId: string): Promise<void> {
	const { pageGroups = {} } = await read();
	await chrome.storage.local.set({ pageGroups: { ...pageGroups, [url]: groupId }, lastGroupId: groupId });
}

/** Calls `listener` whenever the groups or the profile change (in any part of the extension). */
export function watchRegistry(listener: () => void): () => void {
	const onChanged = (changes: Record<string, unknown>, area: string) => {
		if (area === 'local' && ('groups' in changes || 'profile' in changes || 'pageGroups' in changes)) listener();
	};
	chrome.storage.onChanged.addListener(onChanged);
	return () => chrome.storage.onChanged.removeListener(onChanged);
}
