// Reads Netscape bookmark files as Firefox, Chrome, Safari, Pinboard and Diigo write them: folders
// become tags, TAGS and ADD_DATE are kept, <DD> text becomes the description. The format is loose
// HTML (unclosed <DT>, <DD> and <p>), so it is read as a flat stream of tags from a forgiving tokenizer.
import { LIMITS } from '../../model/index';
import { lineLocator } from './lines';
import { scanTags } from './tags';
import { PlanBuilder, secondsToMs } from './plan';
import type { ImportPlan, ProgressListener } from './types';

/** Browsers' own top-level folders say where a bookmark was shown, not what it is about. */
const ROOT_FOLDERS = new Set([
	'bookmarks',
	'bookmarks bar',
	'bookmarks toolbar',
	'bookmarks menu',
	'other bookmarks',
	'mobile bookmarks',
	'favorites',
	'favourites',
	'favorites bar',
	'favourites bar',
	'bookmarksbar',
	'bookmarksmenu'
]);

/** Diigo wraps a whole export in one folder named after its owner; it says nothing about the pages. */
const DIIGO_WRAPPER = /^diigo\s*[-–—]\s*.+['’]s bookmarks$/i;

function isRootFolder(name: string): boolean {
	return ROOT_FOLDERS.has(name.toLowerCase()) || DIIGO_WRAPPER.test(name);
}

export function looksLikeNetscape(text: string): boolean {
	const head = text.slice(0, 4096).toLowerCase();
	return head.includes('<!doctype netscape-bookmark-file') || (/<dt>\s*<a\s[^>]*href/i.test(head) && head.includes('<dl'));
}

/**
 * TAGS is comma-separated in every writer of the format (Pinboard, Diigo, linkding, Shaarli, ours), so
 * spaces stay inside a tag: "machine learning" is one tag.
 */
export function splitTags(value: string | undefined): string[] {
	if (!value) return [];
	return value.split(',');
}

interface PendingBookmark {
	line: number;
	href: string;
	tags: string[];
	addDate: number | undefined;
	private: boolean;
	site: string | undefined;
	image: string | undefined;
	favicon: string | undefined;
	title: string;
	description: string;
}

export function planNetscape(text: string, onProgress?: ProgressListener): ImportPlan {
	const plan = new PlanBuilder('Netscape bookmarks');
	const lineAt = lineLocator(text);
	// One entry per open <DL>: whether it lists a named folder; the names themselves, outermost first.
	const folders: boolean[] = [];
	const folderNames: string[] = [];
	let folderName = '';
	let collectingFolder = false;
	let folderIsRoot = false;
	let nextFolder: string | null = null;
	// The bookmark being read: its link text, then possibly a <DD> description after it.
	let current: PendingBookmark | null = null;
	let inLink = false;
	let inDescription = false;
	let ignoredDepth = 0;
	let count = 0;

	const save = () => {
		inDescription = false;
		inLink = false;
		if (!current) return;
		// Only as many folders as an item can carry tags, so absurd nesting cannot slow the import down.
		const folderTags = folderNames.slice(0, LIMITS.tagsPerItem);
		plan.add({
			where: `line ${current.line}`,
			url: current.href,
			title: current.title.trim() || undefined,
			description: current.description.trim(),
			tags: [...current.tags, ...folderTags],
			createdAt: current.addDate,
			site: current.site,
			image: current.image,
			favicon: current.favicon,
			private: current.private
		});
		current = null;
		count++;
		if (onProgress && count % 1000 === 0) onProgress({ phase: 'reading', done: at, total: text.length });
	};

	// A folder's name ends at </H3>, or at the next element when that was left out.
	const endFolder = () => {
		collectingFolder = false;
		const clean = folderName.replace(/\s+/g, ' ').trim();
		nextFolder = folderIsRoot || !clean || isRootFolder(clean) ? null : clean;
	};

	// Where the tag being handled starts, for line numbers and progress.
	let at = 0;
	scanTags(text, {
		open(name, attribs, offset) {
			at = offset;
			if (name === 'script' || name === 'style') {
				ignoredDepth++;
				return;
			}
			if (name === 'dd') {
				// A <DD> right after a bookmark is its description (also when its <A> was never
				// closed); after a folder it is ignored.
				if (current) {
					inLink = false;
					inDescription = true;
				}
				return;
			}
			if (name !== 'dt' && name !== 'h3' && name !== 'dl' && name !== 'a' && name !== 'hr') return;
			if (collectingFolder) endFolder();
			save();
			if (name === 'h3') {
				collectingFolder = true;
				folderName = '';
				folderIsRoot = 'personal_toolbar_folder' in attribs || 'unfiled_bookmarks_folder' in attribs;
			} else if (name === 'dl') {
				folders.push(nextFolder !== null);
				if (nextFolder !== null) folderNames.push(nextFolder);
				nextFolder = null;
			} else if (name === 'a') {
				inLink = true;
				current = {
					line: lineAt(offset),
					href: attribs.href ?? '',
					tags: splitTags(attribs.tags),
					addDate: attribs.add_date ? secondsToMs(Number(attribs.add_date)) : undefined,
					// Pinboard, Diigo and linkding mark bookmarks their owner kept to themselves.
					private: attribs.private === '1' || attribs.private?.toLowerCase() === 'true',
					site: attribs.site,
					image: attribs.image,
					// Firefox's page icon (its ICON is the picture itself, a data: address we do not keep).
					favicon: attribs.icon_uri,
					title: '',
					description: ''
				};
			}
		},
		text(data) {
			if (ignoredDepth > 0) return;
			if (collectingFolder) folderName += data;
			else if (current && inLink) current.title += data;
			else if (current && inDescription) current.description += data;
		},
		close(name) {
			if (name === 'script' || name === 'style') {
				ignoredDepth = Math.max(0, ignoredDepth - 1);
			} else if (name === 'h3' && collectingFolder) {
				endFolder();
			} else if (name === 'a') {
				inLink = false;
			} else if (name === 'dl') {
				save();
				if (folders.pop()) folderNames.pop();
			}
		}
	});
	save();
	return plan.build();
}
