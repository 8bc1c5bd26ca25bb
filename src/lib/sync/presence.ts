// Presence: what members online share (the awareness state's `member` field) and who else is online.
// Awareness comes from other browsers, so everything read here is checked and bounded first.
import type { Awareness } from 'y-protocols/awareness';
import { LIMITS } from '$lib/rules';
import type { Presence } from './types';

const FALLBACK_COLOR = '#555555';

function text(value: unknown, max: number): string | undefined {
	return typeof value === 'string' && value ? value.slice(0, max) : undefined;
}

/** A member's colour as CSS may use it: a hex colour, or a neutral grey for anything else. */
export function safeColor(value: unknown): string {
	return typeof value === 'string' && /^#[0-9a-f]{3,8}$/i.test(value) ? value : FALLBACK_COLOR;
}

/**
 * The presence a peer sent, with only the fields we know as plain bounded strings; null when it
 * does not say which member it is. A missing or non-string name reads "Someone".
 */
export function readPresence(value: unknown): Presence | null {
	if (typeof value !== 'object' || value === null) return null;
	const p = value as Record<string, unknown>;
	const memberId = text(p.memberId, 128);
	if (!memberId) return null;
	const presence: Presence = {
		memberId,
		name: text(typeof p.name === 'string' ? p.name.trim() : undefined, LIMITS.memberName) || 'Someone',
		color: safeColor(p.color)
	};
	const viewing = text(p.viewing, 200);
	const typing = text(p.typing, 200);
	if (viewing) presence.viewing = viewing;
	if (typing) presence.typing = typing;
	return presence;
}

/**
 * The members online besides `self` (this member's other tabs are not someone else), one entry per
 * member even with several tabs open (typing over viewing over idle), sorted by name.
 */
export function onlinePeople(awareness: Awareness, self: string): Presence[] {
	const byMember = new Map<string, Presence>();
	const weight = (p: Presence) => (p.typing ? 2 : p.viewing ? 1 : 0);
	for (const [clientId, state] of awareness.getStates()) {
		if (clientId === awareness.clientID) continue;
		const member = readPresence((state as Record<string, unknown> | null)?.member);
		if (!member || member.memberId === self) continue;
		const known = byMember.get(member.memberId);
		if (!known || weight(member) > weight(known)) byMember.set(member.memberId, member);
	}
	return [...byMember.values()].sort((a, b) => a.name.localeCompare(b.name) || a.memberId.localeCompare(b.memberId));
}

/** Calls `listener` now and whenever who is online changes; returns the unsubscribe function. */
export function watchPeople(awareness: Awareness, self: string, listener: (people: Presence[]) => void): () => void {
	let last = '';
	const emit = () => {
		const people = onlinePeople(awareness, self);
		const key = JSON.stringify(people);
		if (key === last) return;
		last = key;
		listener(people);
	};
	awareness.on('change', emit);
	emit();
	return () => awareness.off('change', emit);
}
