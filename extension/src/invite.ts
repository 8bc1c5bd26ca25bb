// Reads an invite link (https://relay.example/join/<groupId>#<token>) into the relay, group and token.
export interface Invite {
	/** The relay's origin, e.g. https://relay.example */
	origin: string;
	groupId: string;
	token: string;
}

const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

export class InviteError extends Error {
	override name = 'InviteError';
}

export function parseInviteLink(input: string): Invite {
	const text = String(input ?? '').trim();
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new InviteError('Paste the whole invite link, like https://relay.example/join/abc#token.');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new InviteError('An invite link starts with https:// (or http:// for a relay on this computer).');
	}
	const match = /^\/join\/([^/]+)\/?$/.exec(url.pathname);
	if (!match) throw new InviteError('This is not an invite link: its address should contain /join/ and the group.');
	let groupId: string;
	let token: string;
	try {
		groupId = decodeURIComponent(match[1]);
		token = decodeURIComponent(url.hash.slice(1)).trim();
	} catch {
		throw new InviteError('This invite link is damaged. Copy it again from the message you received.');
	}
	if (!groupId || groupId.length > 128) throw new InviteError('This invite link names no group.');
	if (!TOKEN.test(token)) {
		throw new InviteError('This invite link looks incomplete. Copy the whole link, or ask the group’s owner for a new one.');
	}
	return { origin: url.origin, groupId, token };
}
