// Local-first in real Chromium with a real relay: two members (two browser contexts) see each other's
// edits live, keep working offline (the relay stopped, so only the service worker and IndexedDB can
// answer), survive a relay restart, share a group across tabs, and see each other online.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { memberIdOf, rememberGroup, tokenOf } from '../helpers/registry';
import { serviceWorkerReady } from '../helpers/workspace-page';

const buildDir = inject('buildDir');
const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-local-first-'));
let relay: TestRelay | null = null;
let port = 0;
let browser: Browser;

/** The relay on the same port and data each time, as after a restart. */
async function startRelay(): Promise<TestRelay> {
	relay = await startTestRelay({ staticDir: buildDir, dataDir, ...(port ? { port } : {}) });
	port = relay.port;
	return relay;
}

async function stopRelay(): Promise<void> {
	await relay?.stop();
	relay = null;
}

const origin = () => `http://127.0.0.1:${port}`;

interface Member {
	context: BrowserContext;
	page: Page;
}

async function newMember(): Promise<Member> {
	const context = await browser.newContext();
	const page = await context.newPage();
	return { context, page };
}

function status(page: Page) {
	return page.locator('.sync-status .label');
}

/** Polls the status bar until it says `text`. */
async function statusSays(page: Page, text: RegExp, timeout = 20_000): Promise<void> {
	await page.locator('.sync-status .label', { hasText: text }).waitFor({ timeout });
}

async function createGroup(page: Page, name: string): Promise<string> {
	await page.goto(`${origin()}/`);
	await page.locator('#group-name').fill(name);
	await page.getByRole('button', { name: 'Create group' }).click();
	await page.waitForURL(/\/g\/[^/]+$/);
	return new URL(page.url()).pathname.split('/')[2];
}

/** Puts the group and its token in this browser's registry, as the join page does, and opens it. */
async function joinGroup(page: Page, groupId: string, token: string): Promise<void> {
	await page.goto(`${origin()}/`);
	await page.locator('#group-name').waitFor(); // the home page has opened the registry
	await rememberGroup(page, groupId, token);
	await page.goto(`${origin()}/g/${groupId}`);
}

async function addItem(page: Page, groupId: string, url: string, title: string): Promise<string> {
	await page.goto(`${origin()}/g/${groupId}/new`);
	await page.locator('#new-url').fill(url);
	await page.locator('#new-title').fill(title);
	await page.getByRole('button', { name: 'Save item' }).click();
	await page.waitForURL(/\/i\/[^/]+$/);
	return new URL(page.url()).pathname.split('/')[4];
}

async function addHighlight(page: Page, quote: string): Promise<void> {
	await page.locator('#hl-quote').fill(quote);
	await page.getByRole('button', { name: 'Add highlight' }).click();
	await page.getByText(quote, { exact: false }).first().waitFor();
}

async function addNote(page: Page, text: string): Promise<void> {
	await page.locator('#note-new').fill(text);
	await page.getByRole('button', { name: 'Add note' }).click();
	await page.getByText(text).first().waitFor();
}

describe('local-first: two members, a real relay', () => {
	let a: Member;
	let b: Member;
	let groupId = '';
	let itemId = '';
	let itemPath = '';

	beforeAll(async () => {
		browser = await launchBrowser();
		await startRelay();
		[a, b] = await Promise.all([newMember(), newMember()]);
		groupId = await createGroup(a.page, 'Reading circle');
		await statusSays(a.page, /^Up to date$/, 15_000);
		itemId = await addItem(a.page, groupId, 'https://example.org/essay', 'An essay on commonplace books');
		itemPath = `/g/${groupId}/i/${itemId}`;
		await joinGroup(b.page, groupId, await tokenOf(a.page, groupId));
		await b.page.goto(`${origin()}${itemPath}`);
		await b.page.getByRole('heading', { name: 'An essay on commonplace books' }).waitFor();
		await Promise.all([serviceWorkerReady(a.page), serviceWorkerReady(b.page)]);
	});

	afterAll(async () => {
		await browser?.close();
		await stopRelay();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('shows a highlight one member adds to the other within 2 s, without reloading', async () => {
		await a.page.goto(`${origin()}${itemPath}`);
		await addHighlight(a.page, 'Every reader keeps a book of passages');
		await b.page.getByText('Every reader keeps a book of passages').first().waitFor({ timeout: 2_000 });
	});

	it('lists a member online while their page is open and drops them after it closes', async () => {
		const c = await newMember();
		await joinGroup(c.page, groupId, await tokenOf(a.page, groupId));
		await c.page.goto(`${origin()}${itemPath}`);
		const memberId = await memberIdOf(c.page);
		const online = a.page.locator(`.presence li[data-member-id="${memberId}"]`);
		// Online, and showing which item they look at.
		await online.filter({ hasText: 'viewing' }).waitFor({ timeout: 10_000 });
		await c.context.close();
		await online.waitFor({ state: 'detached', timeout: 10_000 });
	});

	it('keeps syncing after the relay restarts, with nothing to do but wait', async () => {
		await stopRelay();
		await statusSays(a.page, /^Offline/, 15_000);
		await startRelay();
		await statusSays(a.page, /^Up to date$/, 20_000);
		await statusSays(b.page, /^Up to date$/, 20_000);
		await addHighlight(a.page, 'after the restart');
		await b.page.getByText('after the restart').first().waitFor({ timeout: 10_000 });
	});

	it('keeps offline edits through a reload, counts them, and converges with the other member', async () => {
		await stopRelay();
		await a.context.setOffline(true);
		await b.context.setOffline(true);
		await a.page.goto(`${origin()}${itemPath}`);
		await addHighlight(a.page, 'written with no network');
		await addNote(a.page, 'A note from the train');
		const offlineItem = await addItem(a.page, groupId, 'https://example.org/offline', 'Saved while offline');
		await b.page.goto(`${origin()}${itemPath}`);
		await addNote(b.page, 'B was here meanwhile');

		await a.page.reload();
		await a.page.goto(`${origin()}${itemPath}`);
		await a.page.getByText('written with no network').first().waitFor();
		await a.page.getByText('A note from the train').first().waitFor();
		const waiting = await status(a.page).textContent();
		expect(waiting).toMatch(/^Offline — \d+ changes? waiting$/);
		expect(Number(waiting?.match(/(\d+)/)?.[1])).toBeGreaterThanOrEqual(3);

		await startRelay();
		await a.context.setOffline(false);
		await b.context.setOffline(false);
		await statusSays(a.page, /^Up to date$/, 20_000);
		await statusSays(b.page, /^Up to date$/, 20_000);
		for (const page of [a.page, b.page]) {
			await page.getByText('B was here meanwhile').first().waitFor({ timeout: 10_000 });
			await page.getByText('A note from the train').first().waitFor({ timeout: 10_000 });
			await page.getByText('written with no network').first().waitFor({ timeout: 10_000 });
		}
		await b.page.goto(`${origin()}/g/${groupId}/i/${offlineItem}`);
		await b.page.getByRole('heading', { name: 'Saved while offline' }).waitFor({ timeout: 10_000 });
	});

	it('opens the app and the group from the service worker and storage on a cold start with no network', async () => {
		await stopRelay();
		await a.context.setOffline(true);
		const cold = await a.context.newPage();
		await cold.goto(`${origin()}${itemPath}`);
		await cold.getByRole('heading', { name: 'An essay on commonplace books' }).waitFor({ timeout: 15_000 });
		await cold.getByText('Every reader keeps a book of passages').first().waitFor();
		await statusSays(cold, /^Offline/, 15_000);
		await cold.close();
		await startRelay();
		await a.context.setOffline(false);
	});

	it('keeps two tabs of one member in step, and both keep every edit after reloading', async () => {
		await b.page.goto(`${origin()}${itemPath}`);
		await b.page.getByRole('heading', { name: 'An essay on commonplace books' }).waitFor();
		// With the relay down, the tabs can only meet through BroadcastChannel and shared storage.
		await stopRelay();
		const second = await a.context.newPage();
		await Promise.all([a.page.goto(`${origin()}${itemPath}`), second.goto(`${origin()}${itemPath}`)]);
		await second.getByRole('heading', { name: 'An essay on commonplace books' }).waitFor();
		await addNote(a.page, 'from the first tab');
		await addNote(second, 'from the second tab');
		await a.page.getByText('from the second tab').first().waitFor({ timeout: 10_000 });
		await second.getByText('from the first tab').first().waitFor({ timeout: 10_000 });
		await Promise.all([a.page.reload(), second.reload()]);
		for (const page of [a.page, second]) {
			await page.getByText('from the first tab').first().waitFor({ timeout: 10_000 });
			await page.getByText('from the second tab').first().waitFor({ timeout: 10_000 });
		}
		await second.close();
		await startRelay();
		await b.page.getByText('from the second tab').first().waitFor({ timeout: 20_000 });
	});
});
