// The pages open in tabs: which item and group each shows, what it could not anchor, and the
// highlights it is sent whenever its group changes. Also keeps each tab's badge count.
import { addHighlight, addItem, hasItem, itemIdForUrl, ModelError, normalizeUrl, roots } from '$lib/model';
import type { Profile } from '$lib/storage/types';
import type { BackgroundToPage, PageToBackground, TabState } from '../messages';
import { readPageAnnotations, toPageHighlights } from '../page-annotations';
import { choosePageGroup, listGroups, pageGroupChoice, type ExtensionGroup } from '../registry';
import type { Sessions } from './sessions';

interface Tab extends TabState {
	port: chrome.runtime.Port;
	normalized: string | null;
	/** Bumped by every refresh, so a slower earlier one never overwrites a later one. */
	refreshes: number;
}

const NO_GROUP = 'Join a group first: open the Commonplace side panel and paste an invite link.';

export class Pages {
	private readonly tabs = new Map<number, Tab>();
	private groups: ExtensionGroup[] = [];
	private profile: Profile | null = null;

	constructor(
		private readonly sessions: Sessions,
		private readonly onTabChanged: (tabId: number) => void
	) {}

	setRegistry(groups: ExtensionGroup[], profile: Profile): void {
		this.groups = groups;
		this.profile = profile;
		for (const tabId of this.tabs.keys()) void this.refresh(tabId);
	}

	connect(port: chrome.runtime.Port): void {
		const tabId = port.sender?.tab?.id;
		if (tabId === undefined || port.sender?.frameId !== 0) {
			port.disconnect();
			return;
		}
		const tab: Tab = { tabId, port, url: '', title: '', itemId: null, normalized: null, groupId: null, orphans: [], drawn: 0, refreshes: 0 };
		this.tabs.set(tabId, tab);
		port.onMessage.addListener((message: PageToBackground) => void this.handle(tab, message));
		port.onDisconnect.addListener(() => {
			if (this.tabs.get(tabId) === tab) this.tabs.delete(tabId);
		});
	}

	state(tabId: number): TabState | null {
		const tab = this.tabs.get(tabId);
		if (!tab) return null;
		const { port: _port, normalized: _normalized, refreshes: _refreshes, ...state } = tab;
		return state;
	}

	send(tabId: number, message: BackgroundToPage): boolean {
		const tab = this.tabs.get(tabId);
		if (!tab) return false;
		tab.port.postMessage(message);
		return true;
	}

	/** A group changed: every page showing it gets its highlights again. */
	groupChanged(groupId: string): void {
		for (const tab of this.tabs.values()) {
			// A page with no group yet may now have one that holds its item.
			if (tab.groupId === groupId || tab.groupId === null) void this.refresh(tab.tabId);
		}
	}

	async chooseGroup(tabId: number, groupId: string): Promise<void> {
		const tab = this.tabs.get(tabId);
		if (!tab?.normalized || !this.groups.some((g) => g.groupId === groupId)) return;
		await choosePageGroup(tab.normalized, groupId);
		await this.refresh(tabId);
	}

	private async handle(tab: Tab, message: PageToBackground): Promise<void> {
		if (message.kind === 'page') {
			tab.url = String(message.url).slice(0, 4096);
			tab.title = String(message.title ?? '').slice(0, 500);
			try {
				tab.normalized = normalizeUrl(tab.url);
				tab.itemId = itemIdForUrl(tab.normalized);
			} catch {
				tab.normalized = null;
				tab.itemId = null;
			}
			tab.orphans = [];
			tab.drawn = 0;
			await this.refresh(tab.tabId);
		} else if (message.kind === 'anchored') {
			tab.orphans = Array.isArray(message.orphans) ? message.orphans.map(String) : [];
			tab.drawn = Number(message.drawn) || 0;
			this.onTabChanged(tab.tabId);
		} else if (message.kind === 'highlight') {
			const result = await this.highlight(tab, message);
			tab.port.postMessage({ kind: 'highlight-result', requestId: message.requestId, ...result } satisfies BackgroundToPage);
		}
	}

	private async groupFor(tab: Tab): Promise<ExtensionGroup | null> {
		if (!tab.normalized || !tab.itemId || this.groups.length === 0) return null;
		const { chosen, last } = await pageGroupChoice(tab.normalized);
		const byId = (id: string | null) => this.groups.find((g) => g.groupId === id) ?? null;
		if (byId(chosen)) return byId(chosen);
		for (const group of this.groups) {
			const session = this.sessions.get(group.groupId);
			if (!session) continue;
			await session.loaded;
			if (hasItem(session.doc, tab.itemId)) return group;
		}
		return byId(last) ?? this.groups[0];
	}

	private async refresh(tabId: number): Promise<void> {
		const tab = this.tabs.get(tabId);
		if (!tab) return;
		const run = ++tab.refreshes;
		const group = await this.groupFor(tab);
		const session = group ? this.sessions.get(group.groupId) : null;
		if (session) await session.loaded;
		if (run !== tab.refreshes || this.tabs.get(tabId) !== tab) return;
		tab.groupId = group?.groupId ?? null;
		const annotations = session && tab.itemId ? readPageAnnotations(session.doc, tab.itemId) : { highlights: [], notes: [] };
		const name = session ? String(roots(session.doc).meta.get('name') ?? group?.name ?? '') : '';
		if (session && tab.itemId) session.setPresence({ viewing: tab.itemId });
		tab.port.postMessage({
			kind: 'annotations',
			groupId: tab.groupId,
			groupName: name,
			signedIn: this.groups.length > 0,
			canWrite: group !== null && group.role !== 'viewer',
			highlights: session ? toPageHighlights(session.doc, annotations.highlights) : []
		} satisfies BackgroundToPage);
		const count = annotations.highlights.length + annotations.notes.length;
		void chrome.action.setBadgeText({ tabId, text: count > 0 ? String(count) : '' }).catch(() => {});
		this.onTabChanged(tabId);
	}

	private async highlight(tab: Tab, message: Extract<PageToBackground, { kind: 'highlight' }>): Promise<{ ok: boolean; message: string }> {
		if (!tab.normalized || !tab.itemId) return { ok: false, message: 'Only http and https pages can be highlighted.' };
		const group = await this.groupFor(tab);
		const session = group ? this.sessions.get(group.groupId) : null;
		if (!group || !session || !this.profile) return { ok: false, message: NO_GROUP };
		if (group.role === 'viewer') return { ok: false, message: 'You can read this group but not add to it. Ask its owner for an editor’s invite link.' };
		await session.loaded;
		const actor = { memberId: this.profile.memberId };
		const { exact, prefix, suffix, position } = message.selector ?? ({} as never);
		try {
			if (!hasItem(session.doc, tab.itemId)) addItem(session.doc, actor, { url: tab.normalized, title: tab.title });
			addHighlight(session.doc, actor, tab.itemId, { exact, prefix, suffix, position, note: String(message.note ?? '') });
		} catch (error) {
			return { ok: false, message: error instanceof ModelError ? error.message : 'The highlight could not be saved. Try again.' };
		}
		await choosePageGroup(tab.normalized, group.groupId);
		const status = session.status;
		const where = status.kind === 'synced' || status.kind === 'syncing' ? '' : ' It is kept in this browser and syncs when the relay can be reached.';
		return { ok: true, message: `Highlighted in “${String(roots(session.doc).meta.get('name') ?? group.name)}”.${where}` };
	}
}
