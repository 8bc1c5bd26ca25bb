// Joining a group from its invite link: the relay exchanges the link for this member's own token (so a
// single-use link works for this browser only), then the group is kept, with its relay's origin, in
// the extension's registry.
import { relayApi } from '$lib/api/relay-api';
import { parseInviteLink } from './invite';
import { getProfile, saveGroup, saveProfile } from './registry';

export async function joinWithInvite(link: string, displayName: string): Promise<string> {
	const invite = parseInviteLink(link);
	const name = displayName.trim();
	if (!name) throw new Error('Choose the name the group will see next to your highlights.');
	const api = relayApi(invite.groupId, invite.token, { origin: invite.origin });
	const joined = await api.join(name.slice(0, 60));
	const me = await relayApi(invite.groupId, joined.token, { origin: invite.origin }).me();
	const profile = await getProfile();
	await saveProfile({ ...profile, name: name.slice(0, 60) });
	await saveGroup({
		groupId: invite.groupId,
		token: joined.token,
		role: joined.role,
		name: me.name ?? '',
		origin: invite.origin,
		addedAt: Date.now()
	});
	return me.name || 'the group';
}
