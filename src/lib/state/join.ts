// Joining a group finishes on the relay: the invite link is exchanged for the member's own token,
// so a single-use link works for this browser only. A browser that joined offline finishes later.
import { relayApi, RelayApiError } from '$lib/api/relay-api';
import { getGroup, saveGroup } from '$lib/storage/registry';
import type { StoredGroup } from '$lib/storage/types';

/**
 * Exchanges the stored invite link of a group joined offline for the member's own token and keeps
 * it; returns the group as stored now. Unchanged while the relay cannot be reached; when it
 * refuses for good, no longer pending (the sync status then says why).
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
		if (!(error instanceof RelayApiError)) throw error;
		if (error.offline || error.status === 429 || error.status >= 500) return stored;
		// Refused for good (the link was revoked, or someone else used it): stop trying; the sync status says why.
		const next: StoredGroup = { ...stored, joinPending: false };
		await saveGroup(next);
		return next;
	}
}

/**
 * For a group joined offline and still pending: tries `finishJoin` every few seconds until the
 * relay answers, then calls `onJoined` with the group as stored now. Returns the function that stops.
 */
export function keepTryingToJoin(stored: StoredGroup, name: string, onJoined: (joined: StoredGroup) => void, everyMs = 5_000): () => void {
	let stopped = !stored.joinPending;
	let busy = false;
	const timer = setInterval(async () => {
		if (stopped || busy) return;
		busy = true;
		const next = await finishJoin(stored, name).catch(() => stored);
		busy = false;
		if (stopped || next.joinPending) return;
		stop();
		onJoined(next);
	}, everyMs);
	const stop = () => {
		stopped = true;
		clearInterval(timer);
	};
	if (!stored.joinPending) clearInterval(timer);
	return stop;
}
