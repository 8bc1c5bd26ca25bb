// The background service worker: holds one session per group, serves the pages' content scripts and
// the side panel, and turns the context menu and keyboard shortcut into highlights on the page.
import type { BackgroundBroadcast, PanelToBackground } from '../messages';
import { PAGE_PORT } from '../messages';
import { joinWithInvite } from '../join';
import { getProfile, listGroups, watchRegistry } from '../registry';
import { Pages } from './pages';
import { Sessions } from './sessions';

const sessions = new Sessions((groupId) => pages.groupChanged(groupId));
const pages = new Pages(sessions, (tabId) => {
	const message: BackgroundBroadcast = { kind: 'tab-changed', tabId };
	// Nobody may be listening (no side panel open): that is fine.
	chrome.runtime.sendMessage(message).catch(() => {});
});

async function loadRegistry(): Promise<void> {
	const [groups, profile] = await Promise.all([listGroups(), getProfile()]);
	sessions.sync(groups, profile);
	pages.setRegistry(groups, profile);
}
const ready = loadRegistry();
watchRegistry(() => void loadRegistry());

chrome.runtime.onConnect.addListener((port) => {
	if (port.name !== PAGE_PORT) return;
	// Pages that connect while the registry loads wait for it.
	void ready.then(() => pages.connect(port));
});

chrome.runtime.onMessage.addListener((message: { kind?: string; link?: unknown; name?: unknown }, sender, reply) => {
	// The offer on a relay's invite page: the member pressed "Add to the extension" there.
	if (message?.kind !== 'join-invite' || sender.id !== chrome.runtime.id || sender.tab === undefined || sender.frameId !== 0) return false;
	joinWithInvite(String(message.link ?? ''), String(message.name ?? '')).then(
		(name) => reply({ ok: true, message: `You joined “${name}” in the extension too.` }),
		(error: unknown) => reply({ ok: false, message: error instanceof Error ? error.message : String(error) })
	);
	return true;
});

chrome.runtime.onMessage.addListener((message: PanelToBackground, sender, reply) => {
	// Only the extension's own pages talk to the background this way; content scripts use their port.
	if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(chrome.runtime.getURL(''))) return false;
	void ready.then(async () => {
		if (message.kind === 'tab-state') reply(pages.state(message.tabId));
		else if (message.kind === 'choose-group') {
			await pages.chooseGroup(message.tabId, message.groupId);
			reply(pages.state(message.tabId));
		} else if (message.kind === 'scroll-to') reply(pages.send(message.tabId, { kind: 'scroll-to', highlightId: message.highlightId }));
		else reply(null);
	});
	return true;
});

// Starting with the browser lets highlights made offline in an earlier run sync without waiting for a page.
chrome.runtime.onStartup.addListener(() => void ready);

chrome.runtime.onInstalled.addListener(() => {
	chrome.contextMenus.create({ id: 'highlight', title: 'Highlight', contexts: ['selection'] });
	chrome.contextMenus.create({ id: 'highlight-note', title: 'Highlight and note', contexts: ['selection'] });
});

chrome.contextMenus.onClicked.addListener((info, tab) => {
	if (tab?.id === undefined) return;
	const command = info.menuItemId === 'highlight-note' ? 'highlight-note' : 'highlight';
	pages.send(tab.id, { kind: 'command', command });
});

chrome.commands.onCommand.addListener((command, tab) => {
	if (tab?.id === undefined || (command !== 'highlight' && command !== 'highlight-note')) return;
	pages.send(tab.id, { kind: 'command', command });
});

// The toolbar button opens the side panel (Chromium); Firefox shows its sidebar instead.
chrome.sidePanel?.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
chrome.action.setBadgeBackgroundColor({ color: '#2471a3' }).catch(() => {});
