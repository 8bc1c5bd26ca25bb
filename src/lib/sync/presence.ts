// Who else is online in a group, read from the awareness states' `member` field.
import type { Awareness } from 'y-protocols/awareness';
import type { GroupSession, Presence } from './types';

function isPresence(value: unknown): value is Presence {
	const p = value as Presence | null;
	return !!p && typeof p.memberId === 'string' && typeof p.name === 'string' && typeof p.color === 'string';
}

/**
 * The members online besides this one, one entry per member even with several tabs open (the most
 * informative tab wins: typing over viewing over idle), sorted by name.
 */
export function onlinePeople(awareness: Awareness): Presence[] {
	const self = awareness.getLocalState()?.member as Presence | undefined;
	const byMember = new Map<string, Presence>();
	const weight = (p: Presence) => (p.typing ? 2 : p.viewing ? 1 : 0);
	for (const [clientId, state] of awareness.getStates()) {
		if (clientId === awareness.clientID) continue;
		const member = state?.member;
		if (!isPresence(member) || member.memberId === self?.memberId) continue;
		const known = byMember.get(member.memberId);
		if (!known || weight(member) > weight(known)) byMember.set(member.memberId, sanitize(member));
	}
	return [...byMember.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// Awareness comes from other browsers: keep only the fields we know, as plain bounded strings.
function sanitize(p: Presence): Presence {
	const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
	const color = /^#[0-9a-f]{3,8}$/i.test(p.color) ? p.color : '#555555';
	return {
		memberId: p.memberId.slice(0, 128),
		name: text(p.name, 60) || 'Someone',
		color,
		viewing: text(p.viewing, 200),
		typing: text(p.typing, 200)
	};
}

/** Calls `listener` now and whenever who is online changes; returns the unsubscribe function. */
export function watchPeople(session: Pick<GroupSession, 'awareness'>, listener: (people: Presence[]) => void): () => void {
	let last = '';
	const emit = () => {
		const people = onlinePeople(session.awareness);
		const key = JSON.stringify(people);
		if (key === last) return;
		last = key;
		listener(people);
	};
	session.awareness.on('change', emit);
	emit();
	return () => session.awareness.off('change', emit);
}
