// Browser figures for the big group, in headless Chromium against the built app: the first open
// online, the first page of items rendered from IndexedDB with the network off, searches before and
// after a reload, importing 10,000 bookmarks, the longest main-thread task of each phase and the
// tab's memory.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../tests/helpers/browser';
import { NEEDLE, SECOND_NEEDLE } from '../big-group/build';
import { BIG_GROUP_RELAY_ENV, upload, type PreparedBigGroup } from '../big-group/relay-figures';
import { startCommonplace, type RunningServer } from '../servers';
import { round } from '../stats';
import { rememberGroup } from '../../tests/helpers/registry';
import { storedUpdateBytes } from '../../tests/helpers/update-log-page';
import { buildAppInto, type AppBuild } from '../../tests/helpers/app-build';

/** The longest main-thread task (PerformanceObserver 'longtask', 50 ms and over) of each phase; 0 when none. */
export interface LongestTasks {
	firstOpenOnline: number;
	offlineLoad: number;
	search: number;
	import: number;
}

export type BrowserFigures =
	| {
			measured: true;
			firstSyncMs: number;
			/** Navigation → the first item shown, online on a new device (may be before "Up to date"). */
			firstOnlinePageMs: number;
			firstPageMs: number;
			/** The same until the app has drawn that page itself (after the first screen kept from last time, if shown). */
			firstLivePageMs: number;
			/** Of that opening, from the page's own clock: the service worker's answer in full, and the first paint with content. */
			offlineResponseMs: number;
			offlineFirstPaintMs: number;
			/** The same clock: the first item's title painted (Element Timing), from the kept first screen or the app. */
			offlineFirstItemPaintMs: number;
			searchWord: string;
			searchMs: number;
			secondSearchWord: string;
			secondSearchMs: number;
			/** After a reload offline: the first search, and the next one. */
			reloadSearchMs: number;
			reloadSecondSearchMs: number;
			/** Navigation → the search index of the whole group saved in IndexedDB, online on a new device. */
			searchSavedMs: number;
			/** Importing a browser-bookmarks file of 10,000 new bookmarks into the big group, offline. */
			importMs: number;
			importBookmarks: number;
			longestTaskMs: LongestTasks;
			/** The four searches timed in the page: Enter → the list drawn, and the search engine's share. */
			inPage: Record<'searchMs' | 'secondSearchMs' | 'reloadSearchMs' | 'reloadSecondSearchMs', { pageMs: number; engineMs: number }>;
			/** CDP Runtime.getHeapUsage of the tab with the big group open (offline, after searching), after a GC. */
			heapMiB: number;
			/** The same, summed over the tab's dedicated workers (search engine and others), and how many there were. */
			workersHeapMiB: number;
			workers: number;
	  }
	| { measured: false; reason: string };

/**
 * Records every long task of the page in `window.__longTasks`, from before the app's first script,
 * and when the first item's title was first painted (Element Timing: the listing marks it
 * `elementtiming="first-item"`, in the kept first screen and in the app's own drawing alike).
 */
const LONG_TASK_OBSERVER = `
	window.__longTasks = [];
	window.__firstItemPainted = NaN;
	try {
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
		}).observe({ type: 'longtask', buffered: true });
	} catch {}
	// What ran in the longest animation frame (Long Animation Frames), to say what a long task was.
	window.__longestFrame = null;
	try {
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				if (window.__longestFrame && window.__longestFrame.duration >= entry.duration) continue;
				const scripts = entry.scripts.map((s) => ({ duration: s.duration, what: (s.sourceFunctionName || s.invoker || '?') + ' ' + (s.sourceURL || '').split('/').pop() + ':' + s.sourceCharPosition }));
				scripts.sort((a, b) => b.duration - a.duration);
				window.__longestFrame = { duration: entry.duration, scripts: scripts.slice(0, 3) };
			}
		}).observe({ type: 'long-animation-frame', buffered: true });
	} catch {}
	try {
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				if (entry.identifier !== 'first-item') continue;
				const at = entry.renderTime || entry.loadTime;
				if (!(at >= window.__firstItemPainted)) window.__firstItemPainted = at;
			}
		}).observe({ type: 'element', buffered: true });
	} catch {}
`;

/**
 * The longest task since the last call, and forgets them; prints what ran in the longest animation
 * frame meanwhile (function and place in the script: readable when the app is built unminified,
 * `COMMONPLACE_UNMINIFIED=1 npm run bench -- --only=browser`).
 */
async function longestTask(page: Page, what = ''): Promise<number> {
	const { longest, frame } = await page.evaluate(() => {
		const w = window as unknown as { __longTasks?: number[]; __longestFrame?: { duration: number; scripts: { duration: number; what: string }[] } | null };
		const tasks = w.__longTasks ?? [];
		const frame = w.__longestFrame ?? null;
		w.__longTasks = [];
		w.__longestFrame = null;
		return { longest: tasks.reduce((a, b) => Math.max(a, b), 0), frame };
	});
	if (what && frame) console.log(`    longest frame ${what}: ${Math.round(frame.duration)} ms; ${frame.scripts.map((s) => `${s.what} ${Math.round(s.duration)} ms`).join('; ') || 'no script'}`);
	return longest;
}

/** A Netscape bookmarks file of `count` bookmarks, none of which the big group holds. */
function bookmarksFile(count: number): string {
	const lines = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>', '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">', '<TITLE>Bookmarks</TITLE>', '<H1>Bookmarks</H1>', '<DL><p>'];
	for (let i = 0; i < count; i++) {
		lines.push(`<DT><A HREF="https://import.example.org/page/${i}" ADD_DATE="${1_700_000_000 + i}" TAGS="imported,batch${i % 50}">Imported page number ${i}</A>`);
	}
	lines.push('</DL><p>');
	return lines.join('\n');
}

const IMPORT_BOOKMARKS = 10_000;

const ROOT = join(import.meta.dirname, '..', '..');

async function poll(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** How many items the search index the app keeps in IndexedDB holds (0 when none is saved, or not the group's state yet). */
async function savedSearchItems(page: Page, groupId: string): Promise<number> {
	return page.evaluate(
		(groupId) =>
			new Promise<number>((resolve) => {
				const open = indexedDB.open('commonplace-views');
				open.onerror = () => resolve(0);
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('views')) return resolve(0);
					const get = db.transaction('views').objectStore('views').get(`search:${groupId}`);
					get.onsuccess = () => {
						// Since 2026-12-03 the index lists its item ids, and is complete with the group's
						// state it holds (saved a moment after the group went quiet); before, a map of prints.
						const saved = get.result as { ids?: string[]; state?: unknown; prints?: object } | undefined;
						if (saved?.ids) resolve(saved.state instanceof Uint8Array ? saved.ids.length : 0);
						else resolve(Object.keys(saved?.prints ?? {}).length);
					};
					get.onerror = () => resolve(0);
				};
			}),
		groupId
	);
}

/** Until the app has saved its search index of the whole group (as it does a moment after the group changed). */
async function searchIndexSaved(page: Page, groupId: string, items: number): Promise<void> {
	await poll('The search index being saved in IndexedDB', async () => (await savedSearchItems(page, groupId)) >= items, 300_000);
}

/** A search as timed: from outside (Playwright sees the list) and inside the page, with the engine's share. */
export interface SearchTiming {
	/** Enter pressed → Playwright has seen the one item listed alone (includes its own round trips). */
	ms: number;
	/** Enter's keydown → the next frame after the page lists the one item alone, timed in the page. */
	pageMs: number;
	/** Of which: asking the search engine (in its worker) until its answer reached the page. */
	engineMs: number;
}

/** Types a word in the search box and presses Enter; resolves when its one item is listed alone. */
async function search(page: Page, word: string, itemId: string): Promise<SearchTiming> {
	await page.locator('#search-input').fill(word);
	// Timed in the page too: Playwright's own round trips to see the list cost tens of ms on a busy
	// machine. (No named functions in here: the bench's TypeScript runner would wrap them in a helper
	// the page lacks.)
	await page.evaluate((itemId) => {
		const w = window as unknown as { __searched?: Promise<{ pageMs: number; engineMs: number }> };
		const input = document.getElementById('search-input')!;
		let start = 0;
		input.addEventListener('keydown', (event) => {
			if (event.key === 'Enter') start = performance.now();
		}, { capture: true, once: true });
		w.__searched = new Promise((resolve) => {
			const observer = new MutationObserver(() => {
				if (!start || document.querySelector(`article.item[aria-labelledby="title-${itemId}"]`) === null) return;
				if (!Array.from(document.querySelectorAll('.pager .count')).some((el) => /^\s*1 - 1 of 1\s*$/.test(el.textContent ?? ''))) return;
				observer.disconnect();
				requestAnimationFrame(() => {
					const end = performance.now();
					const asked = performance.getEntriesByName('commonplace:search-asked').filter((m) => m.startTime >= start && m.startTime <= end);
					const answered = performance.getEntriesByName('commonplace:search-answered').filter((m) => m.startTime >= start && m.startTime <= end);
					const askedAt = asked[0]?.startTime ?? start;
					resolve({ pageMs: end - start, engineMs: (answered.at(-1)?.startTime ?? askedAt) - askedAt });
				});
			});
			observer.observe(document.body, { subtree: true, childList: true, characterData: true });
		});
	}, itemId);
	const start = performance.now();
	await page.locator('#search-input').press('Enter');
	await page.locator(`article.item[aria-labelledby="title-${itemId}"]`).waitFor({ timeout: 120_000 });
	await page.locator('.pager .count', { hasText: /^\s*1 - 1 of 1\s*$/ }).first().waitFor({ timeout: 120_000 });
	const ms = performance.now() - start;
	const inPage = await page.evaluate(() => (window as unknown as { __searched: Promise<{ pageMs: number; engineMs: number }> }).__searched);
	return { ms, ...inPage };
}

/**
 * The JS heap of the tab and of each of its dedicated workers (the search engine's among them), after
 * a garbage collection in each: CDP's Runtime.getHeapUsage, sent to the workers through the page's
 * session (Target.setAutoAttach, not flattened, as Playwright keeps the flat sessions to itself).
 */
async function heapOfTab(context: BrowserContext, page: Page): Promise<{ pageMiB: number; workersMiB: number; workers: number }> {
	const cdp = await context.newCDPSession(page);
	try {
		const sessions: string[] = [];
		const waiting = new Map<number, (answer: { result?: { usedSize?: number } }) => void>();
		cdp.on('Target.attachedToTarget', (event) => {
			if (event.targetInfo.type === 'worker') sessions.push(event.sessionId);
		});
		cdp.on('Target.receivedMessageFromTarget', (event) => {
			const answer = JSON.parse(event.message) as { id?: number; result?: { usedSize?: number } };
			if (answer.id !== undefined) waiting.get(answer.id)?.(answer);
		});
		await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
		await new Promise((resolve) => setTimeout(resolve, 500));
		let next = 0;
		const inWorker = async (sessionId: string, method: string) => {
			const id = ++next;
			const answer = new Promise<{ result?: { usedSize?: number } }>((resolve) => waiting.set(id, resolve));
			await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
			return Promise.race([answer, new Promise<{ result?: undefined }>((resolve) => setTimeout(() => resolve({}), 10_000))]);
		};
		let workerBytes = 0;
		for (const sessionId of sessions) {
			await inWorker(sessionId, 'HeapProfiler.collectGarbage');
			workerBytes += (await inWorker(sessionId, 'Runtime.getHeapUsage')).result?.usedSize ?? 0;
		}
		await cdp.send('HeapProfiler.collectGarbage');
		const { usedSize } = await cdp.send('Runtime.getHeapUsage');
		return { pageMiB: usedSize / 2 ** 20, workersMiB: workerBytes / 2 ** 20, workers: sessions.length };
	} finally {
		await cdp.detach();
	}
}

async function measureIn(context: BrowserContext, relay: RunningServer, group: PreparedBigGroup, options: BrowserOptions) {
	const phase = (name: string) => console.log(`  ${name} ...`);
	const origin = `http://127.0.0.1:${relay.port}`;
	await context.addInitScript(LONG_TASK_OBSERVER);
	const page = await context.newPage();
	await page.goto(`${origin}/`);
	await page.locator('#group-name').waitFor(); // the home page has opened the registry
	await rememberGroup(page, group.groupId, group.token);

	// Online once: the group arrives from the relay and the app keeps it in IndexedDB.
	phase('first open online');
	const browser = context.browser();
	if (options.onlineTracePath && browser) await browser.startTracing(page, { path: options.onlineTracePath, categories: TRACE_CATEGORIES });
	let start = performance.now();
	await page.goto(`${origin}/g/${group.groupId}`, { waitUntil: 'commit' });
	await page.locator('article.item').first().waitFor({ timeout: 300_000 });
	const firstOnlinePageMs = performance.now() - start;
	await page.locator('.sync-status .label', { hasText: 'Up to date' }).waitFor({ timeout: 300_000 });
	await page.locator('article.item').first().waitFor({ timeout: 300_000 });
	const firstSyncMs = performance.now() - start;
	await poll('The service worker taking control', () => page.evaluate(() => navigator.serviceWorker.controller !== null), 60_000);
	let previous = -1;
	await poll(
		'The group being stored in IndexedDB',
		async () => {
			const bytes = await storedUpdateBytes(page, group.groupId);
			const settled = bytes > 0 && bytes === previous;
			previous = bytes;
			return settled;
		},
		300_000
	);
	const firstOpenOnlineTask = await longestTask(page, 'first open online');
	if (options.onlineTracePath && browser) await browser.stopTracing();
	// The search index is derived from the group and saved a moment later, like the group itself.
	await searchIndexSaved(page, group.groupId, group.size.items);
	const searchSavedMs = performance.now() - start;
	await page.close();

	// Offline: the relay is gone and the browser has no network; the service worker and IndexedDB answer.
	await relay.stop();
	await context.setOffline(true);
	phase('offline: first page and searches');
	const offline = await context.newPage();
	if (options.tracePath && browser) await browser.startTracing(offline, { path: options.tracePath, categories: TRACE_CATEGORIES });
	start = performance.now();
	await offline.goto(`${origin}/g/${group.groupId}`, { waitUntil: 'commit' });
	await offline.locator('article.item').first().waitFor({ timeout: 300_000 });
	const firstPageMs = performance.now() - start;
	await offline.locator('#cover-markup').waitFor({ state: 'detached', timeout: 300_000 });
	await offline.locator('article.item').first().waitFor({ timeout: 300_000 });
	const firstLivePageMs = performance.now() - start;
	const { offlineResponseMs, offlineFirstPaintMs, offlineFirstItemPaintMs } = await offline.evaluate(() => ({
		offlineResponseMs: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.responseEnd ?? NaN,
		offlineFirstPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
		offlineFirstItemPaintMs: (window as unknown as { __firstItemPainted?: number }).__firstItemPainted ?? NaN
	}));
	// Until the whole group is open (the search box searches it) and the page is quiet.
	await offline.locator('.sync-status .label', { hasText: /Offline|Up to date|Connecting/ }).first().waitFor({ timeout: 300_000 });
	await offline.waitForTimeout(2_000);
	const offlineLoadTask = await longestTask(offline, 'opening offline');
	if (options.tracePath && browser) await browser.stopTracing();

	const searchMs = await search(offline, NEEDLE, group.needleItems[NEEDLE]);
	const secondSearchMs = await search(offline, SECOND_NEEDLE, group.needleItems[SECOND_NEEDLE]);
	let searchTask = await longestTask(offline, 'searching');

	const heap = await heapOfTab(context, offline);

	// A reload (of the group's address, without the last search in it), once this page has saved
	// what it derived (a reload in the first seconds finds the index as the last page left it):
	// the first search of a fresh page, then the next.
	await searchIndexSaved(offline, group.groupId, group.size.items);
	if (options.reloadSearchTracePath && browser) await browser.startTracing(offline, { path: options.reloadSearchTracePath, categories: TRACE_CATEGORIES });
	await offline.goto(`${origin}/g/${group.groupId}`, { waitUntil: 'commit' });
	await offline.locator('article.item').first().waitFor({ timeout: 300_000 });
	await longestTask(offline);
	const reloadSearchMs = await search(offline, NEEDLE, group.needleItems[NEEDLE]);
	const reloadSecondSearchMs = await search(offline, SECOND_NEEDLE, group.needleItems[SECOND_NEEDLE]);
	if (options.reloadSearchTracePath && browser) await browser.stopTracing();
	searchTask = Math.max(searchTask, await longestTask(offline, 'searching after the reload'));

	// Import 10,000 bookmarks into the big group, offline, from the group's import panel.
	phase('offline: import');
	await offline.goto(`${origin}/g/${group.groupId}/exchange`, { waitUntil: 'commit' });
	await offline.locator('input[type="file"]:not([disabled])').waitFor({ state: 'attached', timeout: 300_000 });
	await offline.waitForTimeout(2_000);
	await longestTask(offline);
	if (options.importTracePath && browser) await browser.startTracing(offline, { path: options.importTracePath, categories: TRACE_CATEGORIES });
	// Chosen from a file on disk (the browser reads it when the app does): given as bytes, Playwright
	// decodes them inside the page, in the same task as the app's own handling of the choice, which
	// was most of the longest task traced.
	const folder = mkdtempSync(join(tmpdir(), 'commonplace-bench-import-'));
	const file = join(folder, 'bookmarks.html');
	writeFileSync(file, bookmarksFile(IMPORT_BOOKMARKS));
	let importMs: number;
	try {
		// From choosing the file, through its preview and the click on Import, to the summary.
		start = performance.now();
		await offline.locator('input[type="file"]').setInputFiles(file);
		await offline.getByRole('button', { name: /^Import [\d,]+ items?$/ }).click({ timeout: 300_000 });
		await offline.locator('[role="status"]', { hasText: /items? added/ }).first().waitFor({ timeout: 300_000 });
		importMs = performance.now() - start;
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
	const importTask = await longestTask(offline, 'importing');
	if (options.importTracePath && browser) await browser.stopTracing();
	await offline.close();
	return {
		firstSyncMs,
		firstOnlinePageMs,
		searchSavedMs,
		firstPageMs,
		firstLivePageMs,
		offlineResponseMs,
		offlineFirstPaintMs,
		offlineFirstItemPaintMs,
		searchMs,
		secondSearchMs,
		reloadSearchMs,
		reloadSecondSearchMs,
		importMs,
		heap,
		longestTaskMs: { firstOpenOnline: firstOpenOnlineTask, offlineLoad: offlineLoadTask, search: searchTask, import: importTask }
	};
}

/** Traced runs build the app unminified, so the traces name its functions. */
function tracing(options: BrowserOptions): boolean {
	return Boolean(options.tracePath || options.onlineTracePath || options.importTracePath || options.reloadSearchTracePath);
}

export interface BrowserOptions {
	/** Where to write a Chromium trace of the offline opening (navigation → the page quiet, the group open). */
	tracePath?: string;
	/** The same of the first open online (navigation → the group stored in IndexedDB). */
	onlineTracePath?: string;
	/** The same of the import (choosing the file → the summary). */
	importTracePath?: string;
	/** Where to write a Chromium trace of the reload and its two searches. */
	reloadSearchTracePath?: string;
}

/** What a trace needs to show where the main thread's time went: tasks, scripts, parsing, painting, V8 samples. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading', 'disabled-by-default-v8.cpu_profiler'];

function roundTiming(timing: SearchTiming): { pageMs: number; engineMs: number } {
	return { pageMs: round(timing.pageMs), engineMs: round(timing.engineMs) };
}

export async function measureBrowser(group: PreparedBigGroup, options: BrowserOptions = {}): Promise<BrowserFigures> {
	const missing = ['src/routes/g/[groupId]/+page.svelte', 'src/lib/sync/session.ts', 'src/service-worker.ts'].filter((f) => !existsSync(join(ROOT, f)));
	if (missing.length) return { measured: false, reason: `the app is missing ${missing.join(', ')}` };
	let app: AppBuild | null = null;
	let relay: RunningServer | null = null;
	const browser = await launchBrowser();
	try {
		console.log('  building the app ...');
		app = buildAppInto('commonplace-bench-', 'error', { minify: !tracing(options) });
		relay = await startCommonplace({ env: { ...BIG_GROUP_RELAY_ENV, STATIC_DIR: app.buildDir, BUILD: 'false' } });
		console.log('  uploading the group, then opening it online once and offline ...');
		await upload(relay, group.groupId, group.token, group.doc, group.size.items);
		const context = await browser.newContext();
		const figures = await measureIn(context, relay, group, options);
		await context.close();
		return {
			measured: true,
			firstSyncMs: round(figures.firstSyncMs),
			firstOnlinePageMs: round(figures.firstOnlinePageMs),
			searchSavedMs: round(figures.searchSavedMs),
			firstPageMs: round(figures.firstPageMs),
			firstLivePageMs: round(figures.firstLivePageMs),
			offlineResponseMs: round(figures.offlineResponseMs),
			offlineFirstPaintMs: round(figures.offlineFirstPaintMs),
			offlineFirstItemPaintMs: round(figures.offlineFirstItemPaintMs),
			searchWord: NEEDLE,
			searchMs: round(figures.searchMs.ms),
			secondSearchWord: SECOND_NEEDLE,
			secondSearchMs: round(figures.secondSearchMs.ms),
			reloadSearchMs: round(figures.reloadSearchMs.ms),
			reloadSecondSearchMs: round(figures.reloadSecondSearchMs.ms),
			inPage: {
				searchMs: roundTiming(figures.searchMs),
				secondSearchMs: roundTiming(figures.secondSearchMs),
				reloadSearchMs: roundTiming(figures.reloadSearchMs),
				reloadSecondSearchMs: roundTiming(figures.reloadSecondSearchMs)
			},
			importMs: round(figures.importMs),
			importBookmarks: IMPORT_BOOKMARKS,
			longestTaskMs: {
				firstOpenOnline: round(figures.longestTaskMs.firstOpenOnline),
				offlineLoad: round(figures.longestTaskMs.offlineLoad),
				search: round(figures.longestTaskMs.search),
				import: round(figures.longestTaskMs.import)
			},
			heapMiB: round(figures.heap.pageMiB),
			workersHeapMiB: round(figures.heap.workersMiB),
			workers: figures.heap.workers
		};
	} catch (error) {
		const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
		console.log(`  not measured: ${reason}`);
		return { measured: false, reason };
	} finally {
		await browser.close();
		await relay?.stop();
		app?.remove();
	}
}
