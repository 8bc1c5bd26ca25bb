// The messages between the extension's parts: a page's content script and the background (over a
// port named "page"), and the side panel and the background (one-off runtime messages).
import type { PageSelector } from './anchoring/selector';

/** A highlight as a page draws it. */
export interface PageHighlight extends PageSelector {
	id: string;
	color: string;
	memberName: string;
}

export type PageToBackground =
	| { kind: 'page'; url: string; title: string }
	| { kind: 'highlight'; selector: PageSelector; note: string; requestId: number }
	| { kind: 'anchored'; orphans: string[]; drawn: number };

export type BackgroundToPage =
	| { kind: 'annotations'; groupId: string | null; groupName: string; signedIn: boolean; canWrite: boolean; highlights: PageHighlight[] }
	| { kind: 'command'; command: 'highlight' | 'highlight-note' }
	| { kind: 'highlight-result'; requestId: number; ok: boolean; message: string }
	| { kind: 'scroll-to'; highlightId: string };

/** What the background knows about a tab, for the side panel. */
export interface TabState {
	tabId: number;
	url: string;
	title: string;
	/** Null when the page cannot be annotated (not http(s), or no content script yet). */
	itemId: string | null;
	groupId: string | null;
	orphans: string[];
	drawn: number;
}

export type PanelToBackground =
	| { kind: 'tab-state'; tabId: number }
	| { kind: 'choose-group'; tabId: number; groupId: string }
	| { kind: 'scroll-to'; tabId: number; highlightId: string };

export type BackgroundBroadcast = { kind: 'tab-changed'; tabId: number };

export const PAGE_PORT = 'page';
