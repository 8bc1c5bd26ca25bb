// Joining a group from its invite link: asks the group's relay which role the link gives, then keeps
// the group (with its relay's origin) in the extension's registry.
import { relayApi } from '$lib/api/relay-api';
import { parseInviteLink } from './invite';
import { getProfile, saveGroup, saveProfile } from './registry';

export async function joinWithInvite(link: string, displayName: string): Promise<string> {
	const invite = parseInviteLink(link);
	const name = displayName.trim();
	if (!name) throw new Error('Choose the name the group will see next to your highlights.');
	const me = await relayApi(invite.groupId, invite.token, { origin: invite.origin }).me();
	const profile = await getProfile();
	await saveProfile({ ...profile, name: name.slice(0, 60) });
	await saveGroup({
		groupId: invite.groupId,
		token: invite.token,
		role: me.role,
		name: me.name ?? '',
		origin: invite.origin,
		addedAt: Date.now()
	});
	return me.name || 'the group';
}
