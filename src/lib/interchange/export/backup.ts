// The lossless JSON backup: everything a group holds (trash included), which import/backup.ts reads back.
// Fields added since version 1 are optional to readers: a version 1 backup without them still imports,
// and an older app reading a newer backup ignores them, so adding one does not change the version.
import type * as Y from 'yjs';
import { getGroupInfo, listMembers, readAllHighlights, readAllItems, readAllNotes, readAllReplies, readFlags, readHidden, splitTargetKey } from '../../model/index';
import type { Highlight, Note, ReplyParentKind, TargetKind, TextPositionSelector } from '../../model/index';

export const BACKUP_FORMAT = 'commonplace-backup';
export const BACKUP_VERSION = 1;

export interface BackupHighlight {
	id: string;
	exact: string;
	prefix: string;
	suffix: string;
	/** Only when the highlight has one. */
	position?: TextPositionSelector;
	note: string;
	createdAt: number;
	createdBy: string;
	deletedAt: number | null;
	deletedBy: string | null;
}

export interface BackupNote {
	id: string;
	text: string;
	createdAt: number;
	createdBy: string;
	editedAt: number | null;
	deletedAt: number | null;
	deletedBy: string | null;
}

export interface BackupItem {
	url: string;
	title: string;
	site: string;
	image: string;
	favicon: string;
	pageDetailsAt: number | null;
	description: string;
	savedBy: { memberId: string; at: number }[];
	tags: string[];
	viewsByMember: Record<string, number>;
	updatedAt: number;
	deletedAt: number | null;
	deletedBy: string | null;
	highlights: BackupHighlight[];
	notes: BackupNote[];
}

/** A reply to a note, a highlight or a reply; the thread and item follow from its parent. */
export interface BackupReply {
	id: string;
	parentKind: ReplyParentKind;
	parentId: string;
	text: string;
	createdAt: number;
	createdBy: string;
	editedAt: number | null;
	deletedAt: number | null;
	deletedBy: string | null;
}

export interface BackupFlag {
	kind: TargetKind;
	id: string;
	memberId: string;
	reason: string;
	at: number;
}

/** An owner's last decision on one thing. */
export interface BackupHidden {
	kind: TargetKind;
	id: string;
	hidden: boolean;
	by: string;
	at: number;
}

export interface Backup {
	format: typeof BACKUP_FORMAT;
	version: number;
	exportedAt: string;
	group: { id: string; name: string; createdAt: number; createdBy: string };
	members: { id: string; name: string; color: string; joinedAt: number }[];
	items: BackupItem[];
	/** Added after version 1 (optional to readers): conversations and moderation. */
	replies?: BackupReply[];
	flags?: BackupFlag[];
	hidden?: BackupHidden[];
}

function byItem<T extends { itemId: string }>(list: T[]): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const entry of list) {
		const bucket = out.get(entry.itemId);
		if (bucket) bucket.push(entry);
		else out.set(entry.itemId, [entry]);
	}
	return out;
}

export function backupOf(doc: Y.Doc): Backup {
	const info = getGroupInfo(doc);
	const highlights = byItem(readAllHighlights(doc));
	const notes = byItem(readAllNotes(doc));
	const items = readAllItems(doc).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	return {
		format: BACKUP_FORMAT,
		version: BACKUP_VERSION,
		exportedAt: new Date().toISOString(),
		group: { id: info.id, name: info.name, createdAt: info.createdAt, createdBy: info.createdBy },
		members: listMembers(doc).map(({ id, name, color, joinedAt }) => ({ id, name, color, joinedAt })),
		items: items.map((item) => ({
			url: item.url,
			title: item.title,
			site: item.site,
			image: item.image,
			favicon: item.favicon,
			pageDetailsAt: item.pageDetailsAt,
			description: item.description,
			savedBy: item.savedBy,
			tags: item.tags,
			viewsByMember: item.viewsByMember,
			updatedAt: item.updatedAt,
			deletedAt: item.deletedAt,
			deletedBy: item.deletedBy,
			highlights: (highlights.get(item.id) ?? []).map(
				({ id, exact, prefix, suffix, position, note, createdAt, createdBy, deletedAt, deletedBy }: Highlight) => ({
					id, exact, prefix, suffix, ...(position ? { position } : {}), note, createdAt, createdBy, deletedAt, deletedBy
				})
			),
			notes: (notes.get(item.id) ?? []).map(({ id, text, createdAt, createdBy, editedAt, deletedAt, deletedBy }: Note) => ({
				id, text, createdAt, createdBy, editedAt, deletedAt, deletedBy
			}))
		})),
		replies: readAllReplies(doc).map(({ id, parentKind, parentId, text, createdAt, createdBy, editedAt, deletedAt, deletedBy }) => ({
			id, parentKind, parentId, text, createdAt, createdBy, editedAt, deletedAt, deletedBy
		})),
		flags: readFlags(doc).map(({ kind, id, memberId, reason, at }) => ({ kind, id, memberId, reason, at })),
		hidden: [...readHidden(doc)].map(([k, { hidden, by, at }]) => ({ ...splitTargetKey(k), hidden, by, at }))
	};
}

export function exportBackup(doc: Y.Doc): string {
	return JSON.stringify(backupOf(doc), null, '\t') + '\n';
}
