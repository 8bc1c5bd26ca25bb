// What this browser remembers outside the group documents: the groups it holds (with their tokens)
// and the member profile used in all of them. IndexedDB through idb-keyval, one custom store.
import { createIdbGroupViews } from './group-views';
import { removeCoverMarkup } from './cover-markup';
import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';
import { randomId } from '$lib/model';
import type { Profile, StoredGroup } from './types';
import { createIdbUpdateLog } from './idb-update-log';
import { MEMBER_PALETTE, paletteColour } from './palette';

const PROFILE_KEY = '~profile';
const GROUP_PREFIX = 'group:';

/** The palette's colours (see palette.ts): distinct, with enough contrast for names and carets. */
export const MEMBER_COLORS: readonly string[] = MEMBER_PALETTE.map((c) => c.hex);

let store: UseStore | null = null;

// Created lazily so importing this module never touches IndexedDB (SSR-free builds, unit tests).
function registryStore(): UseStore {
	store ??= createStore('commonplace-registry', 'registry');
	return store;
}

export async function listGroups(): Promise<StoredGroup[]> {
	const all = await values<unknown>(registryStore());
	return all
		.filter((v): v is StoredGroup => isStoredGroup(v))
		.sort((a, b) => b.lastOpenedAt - a.lastOpenedAt);
}

export async function getGroup(groupId: string): Promise<StoredGroup | undefined> {
	const found = await get<StoredGroup>(GROUP_PREFIX + groupId, registryStore());
	return found && isStoredGroup(found) ? found : undefined;
}

export async function saveGroup(group: StoredGroup): Promise<void> {
	if (!group.groupId) throw new Error('A stored group needs a group id.');
	await set(GROUP_PREFIX + group.groupId, { ...group }, registryStore());
}

/** Forgets the group in this browser: its token, its stored updates and its views. */
export async function removeGroup(groupId: string): Promise<void> {
	await del(GROUP_PREFIX + groupId, registryStore());
	await createIdbUpdateLog().remove(groupId);
	await createIdbGroupViews().remove(groupId);
	await removeCoverMarkup(groupId);
}

/** Changes one stored group in place; does nothing if this browser does not hold it. */
export async function patchGroup(groupId: string, patch: Partial<Omit<StoredGroup, 'groupId'>>): Promise<void> {
	const current = await getGroup(groupId);
	if (current) await saveGroup({ ...current, ...patch });
}

/** The member using this browser; made up (random id, default name and colour) on first call. */
export async function getProfile(): Promise<Profile> {
	const found = await get<Profile>(PROFILE_KEY, registryStore());
	if (found && typeof found.memberId === 'string' && found.memberId) {
		return typeof found.color === 'string' ? { ...found, color: paletteColour(found.color) } : found;
	}
	const profile = newProfile();
	await set(PROFILE_KEY, profile, registryStore());
	return profile;
}

export async function saveProfile(profile: Profile): Promise<void> {
	if (!profile.memberId) throw new Error('A profile needs a member id.');
	await set(PROFILE_KEY, { ...profile }, registryStore());
}

export function newProfile(): Profile {
	const memberId = randomId();
	const color = MEMBER_COLORS[parseInt(memberId.slice(0, 4), 16) % MEMBER_COLORS.length];
	return { memberId, name: `Member ${memberId.slice(0, 4)}`, color };
}

function isStoredGroup(value: unknown): value is StoredGroup {
	return typeof value === 'object' && value !== null && typeof (value as StoredGroup).groupId === 'string' && typeof (value as StoredGroup).token === 'string';
}
