// What an import produces: a checked plan of changes, then a summary of what it did to the group.
import type { ReplyParentKind, TargetKind, TextPositionSelector } from '../../model/index';

/** A quoted passage to add, already checked against the model's limits. */
export interface PlannedHighlight {
	id: string;
	exact: string;
	prefix: string;
	suffix: string;
	/** Where the passage was in the page's text, when the file says so. */
	position?: TextPositionSelector;
	note: string;
	createdAt?: number;
	/** The member who wrote it, for backups; otherwise the importing member. */
	by?: string;
	deleted?: { at: number; by: string };
}

export interface PlannedNote {
	id: string;
	text: string;
	createdAt?: number;
	by?: string;
	editedAt?: number;
	deleted?: { at: number; by: string };
}

/** One page to save, with everything the file says about it, already checked and cleaned. */
export interface PlannedItem {
	/** Where in the file it came from, for messages: "line 12", "annotation 4". */
	where: string;
	/** The normalised URL and the item id the model derives from it. */
	url: string;
	itemId: string;
	title: string;
	site: string;
	image: string;
	/** The page's icon, or ''. */
	favicon: string;
	/** When the page's details were looked up, for backups. */
	pageDetailsAt?: number;
	description: string;
	tags: string[];
	createdAt?: number;
	/** Members who saved it and when, for backups; otherwise the importing member. */
	savedBy?: { memberId: string; at: number }[];
	views?: Record<string, number>;
	updatedAt?: number;
	deleted?: { at: number; by: string };
	highlights: PlannedHighlight[];
	notes: PlannedNote[];
	/** The address as the file wrote it (the first one, when entries for one page were combined). */
	sourceUrl: string;
	/** The file marks it private to whoever saved it (Pinboard's, Diigo's and linkding's PRIVATE="1"). */
	private?: boolean;
}

/** Two entries of a file whose addresses are one page once normalised, so they become one item. */
export interface PlannedMerge {
	url: string;
	first: { url: string; title: string };
	second: { url: string; title: string };
}

export interface PlannedMember {
	id: string;
	name: string;
	color: string;
	joinedAt: number;
	/** The file names this author but gives no id: a member of the group with that name is them. */
	byNameOnly?: boolean;
}

/** Replies, flags and owners' decisions from a backup, checked; written after the items. */
export interface PlannedConversations {
	replies: { id: string; parentKind: ReplyParentKind; parentId: string; text: string; createdAt?: number; by: string; editedAt?: number; deletedAt?: number }[];
	flags: { kind: TargetKind; id: string; memberId: string; reason: string; at?: number }[];
	hidden: { kind: TargetKind; id: string; hidden: boolean; by: string; at?: number }[];
}

export interface ImportPlan {
	/** The format's name as a person says it: "Netscape bookmarks", "Hypothesis JSON". */
	format: string;
	items: PlannedItem[];
	members: PlannedMember[];
	skipped: SkippedEntry[];
	/** Entries combined with an earlier one because their addresses normalise to the same page. */
	merges: PlannedMerge[];
	/** Only backups carry them. */
	conversations?: PlannedConversations;
}

export interface SkippedEntry {
	where: string;
	reason: string;
}

export interface ImportSummary {
	format: string;
	/** Pages new to the group. */
	added: number;
	/** Pages already in the group that gained something (a tag, a highlight, a note...). */
	merged: number;
	/** Pages already in the group with everything the file says about them. */
	unchanged: number;
	highlightsAdded: number;
	notesAdded: number;
	repliesAdded?: number;
	skipped: SkippedEntry[];
	/** One sentence for the member: "312 items added, 4 merged with existing ones, 2 skipped: ...". */
	message: string;
}

export interface ImportProgress {
	phase: 'reading' | 'saving' | 'done';
	done: number;
	total: number;
}

export type ProgressListener = (progress: ImportProgress) => void;

export type ImportErrorCode = 'too-large' | 'unknown-format' | 'malformed' | 'empty' | 'read-only';

/** A file that cannot be imported at all; the group is left unchanged. */
export class ImportError extends Error {
	constructor(
		readonly code: ImportErrorCode,
		message: string
	) {
		super(message);
		this.name = 'ImportError';
	}
}

/** 50 MB: bigger files are refused before they are read. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
