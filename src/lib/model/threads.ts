// Reading threads from a snapshot: the tree of replies under a note, a highlight or a reply, and
// how many live replies each holds. Pure functions over plain replies.
import { findMentions } from './mentions';
import type { Item, Reply, ReplyNode, ReplyParentKind } from './types';

function byCreated(a: Reply, b: Reply): number {
	return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The replies answering `parent`, each with its own answers, oldest first. `replies` may hold
 * deleted ones: a deleted reply is kept (to show as deleted) only while live replies hang from it.
 */
export function replyTree(replies: readonly Reply[], parent: { kind: ReplyParentKind; id: string }): ReplyNode[] {
	const children = new Map<string, Reply[]>();
	for (const reply of replies) {
		const k = `${reply.parentKind}:${reply.parentId}`;
		const list = children.get(k);
		if (list) list.push(reply);
		else children.set(k, [reply]);
	}
	// Ids seen on the way down, so a cycle a hostile peer wrote cannot loop forever.
	const seen = new Set<string>();
	const build = (kind: ReplyParentKind, id: string): ReplyNode[] => {
		const out: ReplyNode[] = [];
		for (const reply of (children.get(`${kind}:${id}`) ?? []).sort(byCreated)) {
			if (seen.has(reply.id)) continue;
			seen.add(reply.id);
			const below = build('reply', reply.id);
			const descendants = below.reduce((sum, node) => sum + node.descendants + (node.reply.deletedAt === null ? 1 : 0), 0);
			if (reply.deletedAt !== null && descendants === 0) continue;
			out.push({ reply, children: below, descendants });
		}
		return out;
	};
	return build(parent.kind, parent.id);
}

/** Live replies in a tree, at any depth. */
export function countTree(nodes: readonly ReplyNode[]): number {
	return nodes.reduce((sum, node) => sum + node.descendants + (node.reply.deletedAt === null ? 1 : 0), 0);
}

/** Live replies in the thread of a note or highlight, or on a whole item. */
export function replyCount(item: Pick<Item, 'replies'>, root?: { kind: 'note' | 'highlight'; id: string }): number {
	if (!root) return item.replies.length;
	return item.replies.filter((r) => r.root.kind === root.kind && r.root.id === root.id).length;
}

/** Whether a note, a highlight's note or a reply on the item mentions the member. */
export function mentionsMember(item: Item, memberId: string): boolean {
	const texts = [...item.notes.map((n) => n.text), ...item.highlights.map((h) => h.note), ...item.replies.map((r) => r.text)];
	return texts.some((text) => text.includes('](member:') && findMentions(text).some((m) => m.memberId === memberId));
}

/** Where a member is mentioned: the notes, highlights and replies naming them, oldest first. */
export function mentionsOf(items: readonly Item[], memberId: string): { kind: 'note' | 'highlight' | 'reply'; id: string; itemId: string; at: number }[] {
	const out: { kind: 'note' | 'highlight' | 'reply'; id: string; itemId: string; at: number }[] = [];
	const names = (text: string) => text.includes('](member:') && findMentions(text).some((m) => m.memberId === memberId);
	for (const item of items) {
		if (item.deletedAt !== null) continue;
		for (const n of item.notes) if (names(n.text)) out.push({ kind: 'note', id: n.id, itemId: item.id, at: n.createdAt });
		for (const h of item.highlights) if (names(h.note)) out.push({ kind: 'highlight', id: h.id, itemId: item.id, at: h.createdAt });
		for (const r of item.replies) if (names(r.text)) out.push({ kind: 'reply', id: r.id, itemId: item.id, at: r.createdAt });
	}
	return out.sort((a, b) => a.at - b.at);
}
