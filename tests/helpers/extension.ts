/// <reference types="chrome" />
// The browser extension in tests: built once into a temporary folder, loaded unpacked into Chromium
// profiles of their own (headless), with helpers to select text and read what the page paints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROMIUM_PATH } from './browser';

const root = resolve(import.meta.dirname, '../..');

export interface BuiltExtension {
	dir: string;
	remove(): void;
}

/** Builds the extension from the current sources into a folder of this test run. */
export function buildExtension(): BuiltExtension {
	const dir = mkdtempSync(join(tmpdir(), 'commonplace-extension-'));
	execFileSync(process.execPath, [join(root, 'extension/build.mjs')], { env: { ...process.env, EXTENSION_OUT_DIR: dir }, stdio: 'pipe' });
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Profile {
	context: BrowserContext;
	worker: Worker;
	extensionId: string;
	close(): Promise<void>;
}

/** A Chromium profile of its own with the extension loaded; resolves once its service worker runs. */
export async function launchProfile(extensionDir: string): Promise<Profile> {
	const userDataDir = mkdtempSync(join(tmpdir(), 'commonplace-profile-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		viewport: { width: 1000, height: 800 },
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			`--disable-extensions-except=${extensionDir}`,
			`--load-extension=${extensionDir}`
		]
	});
	const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
	return {
		context,
		worker,
		extensionId: new URL(worker.url()).host,
		async close() {
			await context.close().catch(() => {});
			rmSync(userDataDir, { recursive: true, force: true });
		}
	};
}

/** Opens the side panel's page in a tab, showing the page in tab `tabId` (as the side panel would). */
export async function openPanel(profile: Profile, tabId?: number): Promise<Page> {
	const page = await profile.context.newPage();
	await page.goto(`chrome-extension://${profile.extensionId}/panel.html${tabId ? `?tab=${tabId}` : ''}`);
	return page;
}

/** Joins a group from its invite link through the panel's form, as a member would. */
export async function joinGroup(profile: Profile, link: string, name: string): Promise<void> {
	const panel = await openPanel(profile);
	const form = panel.locator('#join-first form');
	await form.getByLabel('Invite link').fill(link);
	await form.getByLabel('Your name in the group').fill(name);
	await form.getByRole('button', { name: 'Join' }).click();
	await panel.getByText(/You joined/).waitFor({ timeout: 15_000 });
	await panel.close();
}

/** The browser's id of the tab showing `page`. */
export async function tabIdOf(profile: Profile, page: Page): Promise<number> {
	const url = page.url();
	const id = await profile.worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t: chrome.tabs.Tab) => t.url === u)?.id, url);
	if (id === undefined) throw new Error(`No tab shows ${url}`);
	return id;
}

/** Selects the `occurrence`-th appearance of `text` on the page, as dragging the mouse over it would. */
export async function selectText(page: Page, text: string, occurrence = 0): Promise<void> {
	await page.evaluate(
		({ text, occurrence }) => {
			const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			let seen = 0;
			for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
				let at = node.data.indexOf(text);
				while (at !== -1) {
					if (seen++ === occurrence) {
						const range = document.createRange();
						range.setStart(node, at);
						range.setEnd(node, at + text.length);
						const selection = getSelection()!;
						selection.removeAllRanges();
						selection.addRange(range);
						return;
					}
					at = node.data.indexOf(text, at + 1);
				}
			}
			throw new Error(`"${text}" is not on the page`);
		},
		{ text, occurrence }
	);
}

interface CdpNode {
	nodeId: number;
	backendNodeId: number;
	nodeName: string;
	nodeValue?: string;
	children?: CdpNode[];
	shadowRoots?: CdpNode[];
}

/**
 * Where an element of the extension's UI is on screen. Its shadow roots are closed to the page, so
 * this asks the browser's DevTools protocol, which sees through them; the test then clicks there
 * with the mouse, as a member would.
 */
async function shadowElementCenter(page: Page, hostTag: string, match: (node: CdpNode, text: string) => boolean): Promise<{ x: number; y: number } | null> {
	const cdp = await page.context().newCDPSession(page);
	try {
		const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
		const textOf = (node: CdpNode): string => (node.nodeValue ?? '') + (node.children ?? []).map(textOf).join('');
		const find = (node: CdpNode, inHost: boolean): CdpNode | null => {
			const here = inHost || node.nodeName === hostTag.toUpperCase();
			if (inHost && match(node, textOf(node))) return node;
			for (const child of [...(node.shadowRoots ?? []), ...(node.children ?? [])]) {
				const found = find(child, here);
				if (found) return found;
			}
			return null;
		};
		const node = find(root, false);
		if (!node) return null;
		const { model } = (await cdp.send('DOM.getBoxModel', { backendNodeId: node.backendNodeId })) as { model: { content: number[] } };
		const [x1, y1, , , x3, y3] = model.content;
		return { x: (x1 + x3) / 2, y: (y1 + y3) / 2 };
	} catch {
		return null; // Not laid out yet (hidden): the caller polls.
	} finally {
		await cdp.detach().catch(() => {});
	}
}

/** Clicks a control of the extension's UI in the page: a button by its text, or an input by its tag. */
export async function clickExtensionUi(page: Page, hostTag: string, target: { button: string } | { tag: string }): Promise<void> {
	const match = (node: CdpNode, text: string) =>
		'button' in target ? node.nodeName === 'BUTTON' && text.trim() === target.button : node.nodeName === target.tag.toUpperCase();
	const deadline = Date.now() + 15_000;
	for (;;) {
		const center = await shadowElementCenter(page, hostTag, match);
		if (center && center.x > 0) {
			await page.mouse.click(center.x, center.y);
			return;
		}
		if (Date.now() > deadline) throw new Error(`The extension's ${JSON.stringify(target)} did not appear in <${hostTag}>.`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Clicks a button of the extension's toolbar by the selection. */
export async function clickToolbar(page: Page, button: 'Highlight' | 'Highlight and note'): Promise<void> {
	await page.locator('commonplace-toolbar').waitFor({ state: 'visible' });
	await clickExtensionUi(page, 'commonplace-toolbar', { button });
}

/** The passages the page paints as highlights (CSS Custom Highlight API), in no particular order. */
export function paintedTexts(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const out: string[] = [];
		CSS.highlights.forEach((highlight, name) => {
			if (name.startsWith('commonplace-')) highlight.forEach((range) => void out.push(range.toString()));
		});
		return out.sort();
	});
}

/** A web server on port 0 whose pages the test can change between loads. */
export async function startPageServer(): Promise<{ url: string; pages: Map<string, { html: string; headers?: Record<string, string> }>; close(): Promise<void> }> {
	const pages = new Map<string, { html: string; headers?: Record<string, string> }>();
	const server: Server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const page = pages.get(path) ?? (path.startsWith('/spa/') ? pages.get('/spa/') : undefined);
		if (!page) {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('not found');
			return;
		}
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...page.headers });
		res.end(page.html);
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		pages,
		close: () => new Promise<void>((done) => server.close(() => done()))
	};
}
