// Mentions of members in notes and replies. A mention is stored as the token `@[Name](member:ID)`:
// the id makes it survive a rename (the app shows the member's current name), the name keeps the
// raw text readable where it is shown as typed (an export, the text field being edited).
import { cleanLine } from './text';
import { LIMITS } from './text';

// Member ids the app makes are hex; ids from other clients are kept to a safe alphabet here.
const MENTION = /@\[([^\]\n]{0,200})\]\(member:([A-Za-z0-9_-]{1,128})\)/g;

export interface MentionToken {
	/** Offsets of the whole token in the text. */
	start: number;
	end: number;
	/** The name as it was when the mention was written. */
	name: string;
	memberId: string;
}

/** Every mention in a text, in order. */
export function findMentions(text: string): MentionToken[] {
	const out: MentionToken[] = [];
	for (const match of text.matchAll(MENTION)) {
		out.push({ start: match.index, end: match.index + match[0].length, name: match[1], memberId: match[2] });
	}
	return out;
}

/** The distinct members a text mentions. */
export function mentionedMembers(text: string): string[] {
	return [...new Set(findMentions(text).map((m) => m.memberId))];
}

/** The token that mentions a member; brackets in the name are dropped so the token stays whole. */
export function mentionToken(member: { id: string; name: string }): string {
	const name = cleanLine(member.name, LIMITS.memberName, 'display name').replace(/[[\]()]/g, '');
	return `@[${name}](member:${member.id})`;
}

/** A text with each mention shown as `@` and the member's current name (for plain-text places: feeds, labels). */
export function plainMentions(text: string, nameOf: (memberId: string) => string | null): string {
	return text.replace(MENTION, (_all, name: string, id: string) => `@${nameOf(id) ?? name}`);
}
