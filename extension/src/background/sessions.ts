// One live session per group the extension signed in to, held by the background service worker:
// the group's Y.Doc from IndexedDB first, then kept in sync with its relay over y-websocket. The
// side panel opens its own session of the same group; the two meet over BroadcastChannel.
import { listMembers, setMemberProfile } from '$lib/model';
import { openGroupSession, type LocalFirstSession } from '$lib/sync/session';
import type { Profile } from '$lib/storage/types';
import type { ExtensionGroup } from '../registry';

export function relaySocketUrl(origin: string): string {
	return `${origin.replace(/^http/, 'ws').replace(/\/+$/, '')}/sync`;
}

/** Opens the group's session, writing this member's profile into it once it is loaded. */
export function openExtensionSession(group: ExtensionGroup, profile: Profile): LocalFirstSession {
	const session = openGroupSession({ groupId: group.groupId, token: group.token, relayUrl: relaySocketUrl(group.origin), profile });
	if (group.role !== 'viewer') {
		void session.loaded.then(() => {
			const known = listMembers(session.doc).find((m) => m.id === profile.memberId);
			if (known?.name === profile.name && known.color === profile.color) return;
			try {
				setMemberProfile(session.doc, { memberId: profile.memberId }, { name: profile.name, color: profile.color });
			} catch {
				// A group written by a newer version is read-only; its status says so.
			}
		});
	}
	return session;
}

export class Sessions {
	private readonly open = new Map<string, { session: LocalFirstSession; key: string }>();

	constructor(private readonly onChange: (groupId: string) => void) {}

	/** Opens sessions for `groups`, closes the others; a changed token or profile reopens. */
	sync(groups: ExtensionGroup[], profile: Profile): void {
		const wanted = new Map(groups.map((g) => [g.groupId, g]));
		for (const [groupId, { session, key }] of this.open) {
			const group = wanted.get(groupId);
			if (!group || key !== keyOf(group, profile)) {
				session.destroy();
				this.open.delete(groupId);
			}
		}
		for (const group of groups) {
			if (this.open.has(group.groupId)) continue;
			const session = openExtensionSession(group, profile);
			let timer: ReturnType<typeof setTimeout> | null = null;
			// Many updates arrive together on a first sync: tell the pages once.
			session.doc.on('update', () => {
				timer ??= setTimeout(() => {
					timer = null;
					this.onChange(group.groupId);
				}, 30);
			});
			this.open.set(group.groupId, { session, key: keyOf(group, profile) });
		}
	}

	get(groupId: string): LocalFirstSession | null {
		return this.open.get(groupId)?.session ?? null;
	}
}

function keyOf(group: ExtensionGroup, profile: Profile): string {
	return JSON.stringify([group.token, group.origin, profile.memberId, profile.name, profile.color]);
}
