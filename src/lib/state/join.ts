// Joining a group finishes on the relay: the invite link is exchanged for the member's own token,
// so a single-use link works for this browser only. A browser that joined offline finishes later.
import { relayApi, RelayApiError } from '$lib/api/relay-api';
import { getGroup, saveGroup } from '$lib/storage/registry';
import type { StoredGroup } from '$lib/storage/types';

/**
 * Exchanges the stored invite link of a group joined offline for the member's own token and keeps
 * it; returns the group as stored now. Unchanged while the relay cannot be reached or refuses
 * (the sync status then says why).
 */
export async function finishJoin(stored: StoredGroup, name: string): Promise<StoredGroup> {
	if (!stored.joinPending) return stored;
	try {
		const joined = await relayApi(stored.groupId, stored.token).join(name);
		const current = (await getGroup(stored.groupId)) ?? stored;
		if (current.token !== stored.token) return current;
		const next: StoredGroup = { ...current, token: joined.token, role: joined.role, joinPending: false };
		await saveGroup(next);
		return next;
	} catch (error) {
		if (error instanceof RelayApiError) return stored;
		throw error;
	}
}
