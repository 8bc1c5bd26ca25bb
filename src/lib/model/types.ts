// What callers read from a group: plain, immutable snapshots of the document.

/** Who is writing: the member, plus clock and id sources that tests can replace. */
export interface Actor {
	readonly memberId: string;
	readonly now?: () => number;
	readonly newId?: () => string;
	/** Set on origins of bookkeeping writes (see `bookkeepingOrigin`). */
	readonly bookkeeping?: true;
}

/** A W3C Web Annotation TextPositionSelector: offsets into the page's text, a hint the quote confirms. */
export interface TextPositionSelector {
	start: number;
	end: number;
}

export type Role = 'owner' | 'editor' | 'viewer';

/** A W3C Web Annotation TextQuoteSelector. */
export interface TextQuoteSelector {
	exact: string;
	prefix: string;
	suffix: string;
}

export interface GroupInfo {
	id: string;
	name: string;
	createdAt: number;
	createdBy: string;
	schemaVersion: number;
	/** False when a newer version of the app wrote this group. */
	writable: boolean;
}

export interface Member {
	id: string;
	name: string;
	color: string;
	joinedAt: number;
}

export interface Highlight extends TextQuoteSelector {
	id: string;
	itemId: string;
	/** Where the passage was in the page's text when it was highlighted, if the highlighter knew. */
	position?: TextPositionSelector;
	note: string;
	createdAt: number;
	createdBy: string;
	deletedAt: number | null;
	deletedBy: string | null;
}

export interface Note {
	id: string;
	itemId: string;
	text: string;
	createdAt: number;
	createdBy: string;
	editedAt: number | null;
	deletedAt: number | null;
	deletedBy: string | null;
}

/** What a reply answers: a note, a highlight, or another reply. */
export type ReplyParentKind = 'note' | 'highlight' | 'reply';

/** Where a thread starts: the note or highlight every reply in it hangs from. */
export interface ThreadRoot {
	kind: 'note' | 'highlight';
	id: string;
}

export interface Reply {
	id: string;
	itemId: string;
	parentKind: ReplyParentKind;
	parentId: string;
	/** The note or highlight the thread starts at. */
	root: ThreadRoot;
	/** Markdown, like a note; member mentions are tokens (see `mentions.ts`). */
	text: string;
	createdAt: number;
	createdBy: string;
	editedAt: number | null;
	deletedAt: number | null;
	deletedBy: string | null;
}

export interface ReplyInput {
	text: string;
	id?: string;
	createdAt?: number;
}

/** A reply with the replies to it, oldest first; `reply.deletedAt` is set on a deleted reply kept for its live answers. */
export interface ReplyNode {
	reply: Reply;
	children: ReplyNode[];
	/** Live replies below this one, at any depth. */
	descendants: number;
}

/** What a member may flag and an owner may hide. */
export type TargetKind = 'item' | 'highlight' | 'note' | 'reply';

export const TARGET_KINDS: readonly TargetKind[] = ['item', 'highlight', 'note', 'reply'];

export interface Target {
	kind: TargetKind;
	id: string;
}

export interface Flag extends Target {
	itemId: string;
	memberId: string;
	reason: string;
	at: number;
}

export interface HiddenState {
	hidden: boolean;
	by: string;
	at: number;
}

/** A flagged or hidden thing, for the owners' "Flagged" view. */
export interface FlaggedEntry extends Target {
	itemId: string;
	label: string;
	flags: Flag[];
	/** The owners' last decision; null when none was made. */
	hidden: HiddenState | null;
}

export interface Item {
	id: string;
	url: string;
	title: string;
	site: string;
	image: string;
	/** The page's icon (http(s) URL), or ''. */
	favicon: string;
	/** When the page's details (title, description, icon, image) were looked up; null: not yet. */
	pageDetailsAt: number | null;
	description: string;
	/** When the first member saved it, and who. */
	createdAt: number;
	createdBy: string;
	/** Every member who saved it, earliest first. */
	savedBy: { memberId: string; at: number }[];
	tags: string[];
	views: number;
	viewsByMember: Record<string, number>;
	highlights: Highlight[];
	notes: Note[];
	/** Live replies on its notes and highlights (at any depth), oldest first. */
	replies: Reply[];
	/** When anything on it last changed that carries a time. */
	updatedAt: number;
	deletedAt: number | null;
	deletedBy: string | null;
}

export interface ItemInput {
	url: string;
	title?: string;
	site?: string;
	image?: string;
	favicon?: string;
	/** Set when the page's details were looked up before saving (they fill the fields above). */
	pageDetailsAt?: number;
	description?: string;
	tags?: string | readonly string[];
	/** When the page was saved, for imports; defaults to now. */
	createdAt?: number;
}

export interface ItemEdit {
	title?: string;
	site?: string;
	image?: string;
	description?: string;
}

/** What the relay read from a page, to fill in what an item lacks. */
export interface PageDetails {
	title?: string;
	site?: string;
	description?: string;
	image?: string;
	favicon?: string;
}

export interface HighlightInput {
	exact: string;
	prefix?: string;
	suffix?: string;
	note?: string;
	/** Where the passage is in the page's text (the browser extension records it). */
	position?: TextPositionSelector;
	/** A stable id makes repeated imports of the same highlight a no-op. */
	id?: string;
	createdAt?: number;
}

export interface NoteInput {
	text: string;
	id?: string;
	createdAt?: number;
}

/** How a listing is ordered: newest first (the default), oldest first, most viewed, most annotated. */
export type SortOrder = 'newest' | 'oldest' | 'views' | 'annotated';

export const SORT_ORDERS: readonly SortOrder[] = ['newest', 'oldest', 'views', 'annotated'];

export interface ListQuery {
	/** Items carrying this tag; combined with `tags`. */
	tag?: string;
	/** Items carrying every one of these tags (`amateur` + `travail`). */
	tags?: readonly string[];
	member?: string;
	/** Items where a note, a highlight's note or a reply mentions this member. */
	mentions?: string;
	text?: string;
	page?: number;
	perPage?: number;
	sort?: SortOrder;
	/** Deleted items instead of live ones. */
	trash?: boolean;
}

export interface ItemPage {
	items: Item[];
	total: number;
	page: number;
	perPage: number;
	pageCount: number;
	/** 1-based positions shown, as in "1 - 20 of 134"; 0 when empty. */
	from: number;
	to: number;
}

export interface TagCount {
	tag: string;
	count: number;
}

export interface MemberCount extends Member {
	items: number;
}

export interface TrashEntry {
	kind: 'item' | 'highlight' | 'note' | 'reply';
	id: string;
	itemId: string;
	label: string;
	deletedAt: number;
	deletedBy: string | null;
}

export const PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 20;
