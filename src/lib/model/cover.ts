// A group's cover: what its first page shows (the newest items, the counts per tag and member) without
// the rest of the document. The app keeps one on disk to show before the group is read; the relay
// computes one for a device that holds nothing of the group yet. Both read it through here.
import type * as Y from 'yjs';
import { getGroupInfo, hasGroup, listMembers } from './group';
import { readHidden } from './moderation';
import { countMembers, countTags, queryItems } from './queries';
import { readAllItems } from './read';
import { PAGE_SIZES, type GroupInfo, type Item, type Member, type MemberCount, type TagCount } from './types';
import { visibleItems } from './visibility';

export interface GroupCover {
	/** Bumped when the shape changes; an older cover is ignored. */
	version: 1;
	info: GroupInfo;
	exists: boolean;
	members: Member[];
	liveItemCount: number;
	lastActivity: number;
	tagCounts: TagCount[];
	memberCounts: MemberCount[];
	/** The newest live items, enough for the largest first page. */
	newest: Item[];
}

/** The group as one member may read it: every item for an owner, what owners hid as placeholders for the rest. */
export interface GroupReading {
	info: GroupInfo;
	exists: boolean;
	members: Member[];
	items: Item[];
}

export function readGroupAs(doc: Y.Doc, reader: { owner: boolean }, all: Item[] = readAllItems(doc)): GroupReading {
	return {
		info: getGroupInfo(doc),
		exists: hasGroup(doc),
		members: listMembers(doc),
		items: reader.owner ? all : visibleItems(all, readHidden(doc))
	};
}

export function liveItemCount(items: readonly Item[]): number {
	let count = 0;
	for (const item of items) if (item.deletedAt === null) count++;
	return count;
}

/** When anything in the group last changed that carries a time. */
export function lastActivity(info: GroupInfo, items: readonly Item[]): number {
	return items.reduce((max, item) => Math.max(max, item.updatedAt), info.createdAt);
}

/** The cover of a group as read; counts already computed (the app's memoised ones) are taken as they are. */
export function coverOf(reading: GroupReading, known: Partial<Pick<GroupCover, 'liveItemCount' | 'lastActivity' | 'tagCounts' | 'memberCounts'>> = {}): GroupCover {
	const largest = PAGE_SIZES[PAGE_SIZES.length - 1];
	return {
		version: 1,
		info: reading.info,
		exists: reading.exists,
		members: reading.members,
		liveItemCount: known.liveItemCount ?? liveItemCount(reading.items),
		lastActivity: known.lastActivity ?? lastActivity(reading.info, reading.items),
		tagCounts: known.tagCounts ?? countTags(reading.items),
		memberCounts: known.memberCounts ?? countMembers(reading.members, reading.items),
		newest: queryItems(reading.items, { sort: 'newest', page: 1, perPage: largest }).items
	};
}

/** The cover a member reads of `doc` (the relay's answer to a device that holds nothing yet). */
export function readCover(doc: Y.Doc, reader: { owner: boolean }): GroupCover {
	return coverOf(readGroupAs(doc, reader));
}
