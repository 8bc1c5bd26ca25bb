// The content script (isolated world, top frame only): tells the background which page this is,
// draws the group's highlights on it, re-anchors them when the page changes or navigates in place
// (single-page apps), and turns a selection into a highlight through the toolbar or a command.
import { describePassage, type PageSelector } from '../anchoring/selector';
import { buildTextMap, offsetsOf } from '../anchoring/text-map';
import { PAGE_PORT, type BackgroundToPage, type PageHighlight, type PageToBackground } from '../messages';
import { Painter, type Painted } from './painter';
import { Toolbar } from './toolbar';

const painter = new Painter();
let highlights: PageHighlight[] = [];
let painted = new Map<string, Painted>();
let orphans: string[] = [];
let signedIn = false;
let canWrite = false;
let port: chrome.runtime.Port | null = null;
let pendingNote: PageSelector | null = null;
let pendingRange: Range | null = null;
let requestId = 0;
/** The selection each highlight request was made from, to clear it once saved (and only it). */
const requested = new Map<number, Range>();
let lastUrl = location.href;

const toolbar = new Toolbar({
	highlight: (withNote) => startHighlight(withNote),
	saveNote: (note) => {
		const selector = pendingNote;
		pendingNote = null;
		toolbar.closeNote();
		if (selector) sendHighlight(selector, note, pendingRange);
		pendingRange = null;
	},
	cancelNote: () => {
		pendingNote = null;
		pendingRange = null;
		toolbar.closeNote();
		toolbar.hide();
	}
});

function send(message: PageToBackground): void {
	try {
		port?.postMessage(message);
	} catch {
		port = null;
	}
}

function connect(): void {
	// The extension was updated or removed: this page's script is stale and stops quietly.
	if (!chrome.runtime?.id) return;
	port = chrome.runtime.connect({ name: PAGE_PORT });
	port.onMessage.addListener(onMessage);
	port.onDisconnect.addListener(() => {
		port = null;
		// The service worker stopped while idle; a new one starts when we connect again.
		setTimeout(connect, 250);
	});
	announce();
}

function announce(): void {
	send({ kind: 'page', url: location.href, title: document.title });
}

function onMessage(message: BackgroundToPage): void {
	if (message.kind === 'annotations') {
		signedIn = message.signedIn;
		canWrite = message.canWrite;
		highlights = Array.isArray(message.highlights) ? message.highlights : [];
		repaint();
	} else if (message.kind === 'command') {
		startHighlight(message.command === 'highlight-note');
	} else if (message.kind === 'highlight-result') {
		toolbar.say(message.message);
		const range = requested.get(message.requestId);
		requested.delete(message.requestId);
		const selection = getSelection();
		// The member may have selected something else meanwhile: leave that alone.
		if (message.ok && range && selection?.rangeCount && sameRange(selection.getRangeAt(0), range)) selection.removeAllRanges();
	} else if (message.kind === 'scroll-to') {
		const range = painted.get(message.highlightId)?.range;
		range?.startContainer.parentElement?.scrollIntoView({ block: 'center', behavior: 'smooth' });
	}
}

function repaint(): void {
	const result = painter.paint(highlights, toolbar.host);
	painted = result.painted;
	orphans = result.orphans;
	send({ kind: 'anchored', orphans, drawn: painted.size });
}

function sameRange(a: Range, b: Range): boolean {
	return a.compareBoundaryPoints(Range.START_TO_START, b) === 0 && a.compareBoundaryPoints(Range.END_TO_END, b) === 0;
}

function sendHighlight(selector: PageSelector, note: string, range: Range | null): void {
	const id = ++requestId;
	if (range) requested.set(id, range);
	send({ kind: 'highlight', selector, note, requestId: id });
}

function currentRange(): Range | null {
	const selection = getSelection();
	return selection && selection.rangeCount > 0 ? selection.getRangeAt(0).cloneRange() : null;
}

/** The selectors of the page's current selection, or null when nothing on the page is selected. */
function selectedPassage(): PageSelector | null {
	const selection = getSelection();
	if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
	const range = selection.getRangeAt(0);
	if (toolbar.host.contains(range.commonAncestorContainer)) return null;
	const root = document.body ?? document.documentElement;
	const map = buildTextMap(root, toolbar.host);
	const offsets = offsetsOf(map, range);
	return offsets ? describePassage(map.text, offsets.start, offsets.end) : null;
}

function startHighlight(withNote: boolean): void {
	if (!signedIn) {
		toolbar.say('Join a group first: open the Commonplace side panel and paste an invite link.', 8_000);
		return;
	}
	const selector = selectedPassage();
	if (!selector) {
		toolbar.say('Select some text on the page first.');
		return;
	}
	if (withNote) {
		pendingNote = selector;
		pendingRange = currentRange();
		toolbar.openNote();
		return;
	}
	sendHighlight(selector, '', currentRange());
}

let selectionTimer: ReturnType<typeof setTimeout> | null = null;
document.addEventListener('selectionchange', () => {
	if (selectionTimer) clearTimeout(selectionTimer);
	selectionTimer = setTimeout(() => {
		const selection = getSelection();
		if (!selection || selection.isCollapsed || selection.rangeCount === 0 || !selection.toString().trim()) {
			toolbar.hide();
			return;
		}
		// Members who cannot add to the page's group are not offered to (the shortcut still says why).
		if (!signedIn || !canWrite) return;
		const range = selection.getRangeAt(0);
		if (toolbar.host.contains(range.commonAncestorContainer)) return;
		toolbar.showAt(range.getBoundingClientRect());
	}, 120);
});

// Single-page apps change the address without a new page: ask again for that URL's highlights.
function checkUrl(): void {
	if (location.href === lastUrl) return;
	lastUrl = location.href;
	highlights = [];
	painter.clear();
	announce();
}
addEventListener('popstate', checkUrl);
addEventListener('hashchange', checkUrl);
setInterval(checkUrl, 500);

// Pages that render late or rewrite themselves: draw again when a drawn passage changed under its
// highlight (at most every half second), or, less often, when orphans may have arrived since.
const ORPHAN_RETRY_MS = 5_000;
let mutationTimer: ReturnType<typeof setTimeout> | null = null;
let lastOrphanTry = 0;
const moved = () => [...painted.values()].some((p) => p.range.toString() !== p.text);
new MutationObserver((records) => {
	if (highlights.length === 0 || mutationTimer) return;
	if (records.every((r) => toolbar.host.contains(r.target))) return;
	mutationTimer = setTimeout(() => {
		mutationTimer = null;
		checkUrl();
		const retryOrphans = orphans.length > 0 && Date.now() - lastOrphanTry >= ORPHAN_RETRY_MS;
		if (retryOrphans) lastOrphanTry = Date.now();
		if (retryOrphans || moved()) repaint();
	}, 500);
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

connect();
