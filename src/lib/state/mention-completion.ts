// Completing `@name` as a member types it in a note or reply: where the query is, which members
// match, and the text once one is chosen (a mention token, see src/lib/model/mentions.ts).
import { mentionToken, type Member } from '$lib/model';

export interface MentionQuery {
	/** Offset of the `@`. */
	start: number;
	/** What follows it up to the caret. */
	query: string;
}

const LONGEST_QUERY = 40;

/** The `@query` the caret is at the end of, if any: the `@` starts the text or follows a space or bracket. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
	const from = Math.max(0, caret - LONGEST_QUERY - 1);
	const before = text.slice(from, caret);
	const at = before.lastIndexOf('@');
	if (at < 0) return null;
	const start = from + at;
	if (start > 0 && !/[\s([{]/.test(text[start - 1])) return null;
	const query = text.slice(start + 1, caret);
	if (/[\n[\]()@]/.test(query) || /^\s/.test(query)) return null;
	return { start, query };
}

/** Members whose name matches, those starting with the query first; at most `limit`. */
export function matchMembers(members: readonly Member[], query: string, limit = 6): Member[] {
	const q = query.toLowerCase();
	const starts: Member[] = [];
	const contains: Member[] = [];
	for (const m of members) {
		const name = m.name.toLowerCase();
		if (name.startsWith(q)) starts.push(m);
		else if (q && name.includes(q)) contains.push(m);
	}
	const byName = (a: Member, b: Member) => a.name.localeCompare(b.name);
	return [...starts.sort(byName), ...contains.sort(byName)].slice(0, limit);
}

/** The text with the `@query` replaced by the member's mention and a space, and where the caret goes. */
export function insertMention(text: string, caret: number, at: MentionQuery, member: Pick<Member, 'id' | 'name'>): { text: string; caret: number } {
	const token = `${mentionToken(member)} `;
	const rest = text.slice(caret);
	return { text: text.slice(0, at.start) + token + (rest.startsWith(' ') ? rest.slice(1) : rest), caret: at.start + token.length };
}
