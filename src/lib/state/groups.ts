// Starting groups from this browser: a new empty group, the sample group, and reading invite links.
// A new group gets a random id and owner token here; the relay learns of both on first connection.
import { isTokenShaped } from '$lib/rules';
import * as Y from 'yjs';
import { createGroup, setMemberProfile, type GroupInfo } from '$lib/model';
import { buildSampleGroup } from '$lib/demo/sample';
import { SAMPLE_GROUP_NAME } from '$lib/demo/identity';
import { listGroups, saveGroup } from '$lib/storage/registry';
import type { Profile, StoredGroup } from '$lib/storage/types';
import { openWorkspace, type Workspace } from './workspace.svelte';

function base64url(bytes: Uint8Array): string {
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomBase64url(byteCount: number): string {
	const bytes = new Uint8Array(byteCount);
	crypto.getRandomValues(bytes);
	return base64url(bytes);
}

/** 128 random bits: 22 url-safe characters. */
export function newGroupId(): string {
	return randomBase64url(16);
}

/** 256 random bits, base64url. */
export function newOwnerToken(): string {
	return randomBase64url(32);
}

async function startGroup(name: string, profile: Profile, fill: (workspace: Workspace) => GroupInfo, sample = false): Promise<string> {
	const now = Date.now();
	const stored: StoredGroup = {
		groupId: newGroupId(),
		token: newOwnerToken(),
		role: 'owner',
		name,
		unregistered: true,
		addedAt: now,
		lastOpenedAt: now,
		...(sample ? { sample: true } : {})
	};
	await saveGroup(stored);
	const workspace = openWorkspace(stored, profile);
	await workspace.session.loaded;
	const info = fill(workspace);
	if (info.name !== name) await saveGroup({ ...stored, name: info.name });
	return stored.groupId;
}

/** Creates an empty group owned by this member; returns its id. Throws the model's error for a bad name. */
export async function createNewGroup(name: string, profile: Profile): Promise<string> {
	// Check the name before anything is stored, so a refused name leaves nothing behind.
	createGroup(new Y.Doc(), { memberId: profile.memberId }, { name, member: { name: profile.name, color: profile.color } });
	return startGroup(name.trim(), profile, (workspace) =>
		// Not the member's undo origin: creating the group is not an edit to take back.
		createGroup(workspace.session.doc, { memberId: profile.memberId }, { name, member: { name: profile.name, color: profile.color } })
	);
}

/** Creates a copy of the sample group "Tic&Travail", with this member in it; returns its id. */
export async function createSampleGroup(profile: Profile): Promise<string> {
	return startGroup(
		SAMPLE_GROUP_NAME,
		profile,
		(workspace) => {
			const info = buildSampleGroup(workspace.session.doc);
			setMemberProfile(workspace.session.doc, { memberId: profile.memberId }, { name: profile.name, color: profile.color });
			return info;
		},
		true
	);
}

/** The sample group this browser already holds, or a new copy of it; returns its id. */
export async function openSampleGroup(profile: Profile): Promise<string> {
	const held = (await listGroups()).find((group) => group.sample === true);
	return held ? held.groupId : createSampleGroup(profile);
}

/** The group id and token of an invite link (`.../join/<groupId>#<token>`), or null if it is not one. */
export function parseInviteLink(link: string): { groupId: string; token: string } | null {
	let url: URL;
	try {
		url = new URL(link.trim(), 'http://localhost');
	} catch {
		return null;
	}
	const match = /\/join\/([A-Za-z0-9_-]{8,128})\/?$/.exec(url.pathname);
	const token = decodeURIComponent(url.hash.slice(1));
	if (!match || !isTokenShaped(token)) return null;
	return { groupId: match[1], token };
}
