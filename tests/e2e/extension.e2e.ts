/// <reference types="chrome" />
// The browser extension in real Chromium, loaded unpacked in two members' own profiles, against a real
// relay: a member joins by invite link and highlights on a page; the other member sees it drawn in
// place; the page is edited and reloaded and the highlights are found again (or listed as orphans);
// a highlight made while the relay is down is kept and reaches the other member once it is back.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createGroup, getItem, itemIdForUrl } from '../../src/lib/model';
import { buildExtension, clickToolbar, joinGroup, launchProfile, openPanel, paintedTexts, selectText, startPageServer, tabIdOf, type BuiltExtension, type Profile } from '../helpers/extension';
import { connectMember, eventually, newToken, startTestRelay, type TestRelay } from '../helpers/relay';

const fixtures = resolve(import.meta.dirname, '../fixtures/anchoring/news-correction');
const BEFORE = readFileSync(join(fixtures, 'before.html'), 'utf8');
const AFTER = readFileSync(join(fixtures, 'after.html'), 'utf8');

let relay: TestRelay;
let relayPort = 0;
const relayData = mkdtempSync(join(tmpdir(), 'commonplace-ext-relay-'));
let extension: BuiltExtension;
let site: Awaited<ReturnType<typeof startPageServer>>;
let ana: Profile;
let ben: Profile;
let inviteLink = '';
let singleUseLink = '';
let ownerToken = '';
const groupId = `ext-${newToken().slice(0, 10)}`;

beforeAll(async () => {
	extension = buildExtension();
	relay = await startTestRelay({ dataDir: relayData });
	relayPort = relay.port;
	site = await startPageServer();
	site.pages.set('/article', { html: BEFORE });

	// The group and an editor's invite link, made by its owner outside the browsers.
	ownerToken = newToken();
	const owner = connectMember(relay.wsUrl, groupId, { token: ownerToken, create: true });
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'owner' }, { name: 'Reading club' });
	const invite = async (single: boolean) => {
		const response = await fetch(`${relay.url}/api/groups/${groupId}/invites`, {
			method: 'POST',
			headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'editor', label: single ? 'Ana' : '', single })
		});
		return `${relay.url}${((await response.json()) as { link: string }).link}`;
	};
	inviteLink = await invite(false);
	singleUseLink = await invite(true);
	await eventually(async () => (await fetch(`${relay.url}/healthz`)).ok);
	owner.destroy();

	[ana, ben] = await Promise.all([launchProfile(extension.dir), launchProfile(extension.dir)]);
});

afterAll(async () => {
	await ana?.close();
	await ben?.close();
	await relay?.stop();
	await site?.close();
	extension?.remove();
	rmSync(relayData, { recursive: true, force: true });
});

async function openArticle(profile: Profile): Promise<Page> {
	const page = await profile.context.newPage();
	await page.goto(`${site.url}/article`);
	return page;
}

async function highlight(page: Page, text: string): Promise<void> {
	await selectText(page, text);
	await clickToolbar(page, 'Highlight');
	await eventually(async () => (await paintedTexts(page)).includes(text), 15_000);
}

describe('the browser extension', () => {
	it('joins by invite link, highlights on a page, and shows it to another member on the same page', async () => {
		// Ana's link works once: joining exchanges it for a token of her own, which the extension keeps.
		await joinGroup(ana, singleUseLink, 'Ana');
		await joinGroup(ben, inviteLink, 'Ben');
		const used = await fetch(`${relay.url}/api/groups/${groupId}/me`, { headers: { authorization: `Bearer ${singleUseLink.split('#')[1]}` } });
		expect(used.status).toBe(401);

		// Ben is already reading the page when Ana highlights on it: her highlights appear as she makes them.
		const benPage = await openArticle(ben);
		const anaPage = await openArticle(ana);
		await highlight(anaPage, 'ending a year of debate that divided shopkeepers and residents');
		await eventually(async () => (await paintedTexts(benPage)).includes('ending a year of debate that divided shopkeepers and residents'), 15_000);
		await highlight(anaPage, 'The plan, which the council recieved from its transport committee in January');
		await highlight(anaPage, 'A petition against the\nplan gathered 3,200 signatures');

		// On the relay, the page is one item of the group, as the app would save it, with the highlights'
		// quotes and positions in the page's text.
		const reader = connectMember(relay.wsUrl, groupId, { token: ownerToken });
		try {
			const itemId = itemIdForUrl(`${site.url}/article?utm_source=newsletter#top`);
			await eventually(() => (getItem(reader.doc, itemId)?.highlights.length ?? 0) === 3, 15_000);
			const item = getItem(reader.doc, itemId)!;
			expect(item).toMatchObject({ url: `${site.url}/article`, title: 'City council approves new cycle lanes' });
			const passage = item.highlights.find((h) => h.exact.startsWith('ending a year'))!;
			expect(passage.suffix.startsWith('.')).toBe(true);
			expect(passage.position!.end - passage.position!.start).toBe(passage.exact.length);
		} finally {
			reader.destroy();
		}

		await eventually(async () => (await paintedTexts(benPage)).length === 3, 15_000);
		expect(await paintedTexts(benPage)).toEqual([
			'A petition against the\nplan gathered 3,200 signatures',
			'The plan, which the council recieved from its transport committee in January',
			'ending a year of debate that divided shopkeepers and residents'
		]);
		// The toolbar badge counts the page's annotations.
		const benTab = await tabIdOf(ben, benPage);
		await eventually(async () => (await ben.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), benTab)) === '3');

		// The side panel lists them, with the member who made them, and the members on the page.
		const panel = await openPanel(ben, benTab);
		await panel.locator('#highlights li').nth(2).waitFor();
		expect(await panel.locator('#highlights li blockquote').allTextContents()).toHaveLength(3);
		await panel.locator('#highlights li .by', { hasText: 'Ana' }).first().waitFor();
		await panel.getByText('Up to date').waitFor({ timeout: 15_000 });
		for (const page of [panel, anaPage, benPage]) await page.close();
	});

	it('finds the highlights again after the page was edited, and lists the one it cannot find', async () => {
		site.pages.set('/article', { html: AFTER });
		const page = await openArticle(ben);
		await eventually(async () => (await paintedTexts(page)).length === 2, 15_000);
		expect(await paintedTexts(page)).toEqual([
			// The typo was fixed inside the highlighted passage: the fuzzy match follows it.
			'The plan, which the council received from its transport committee in January',
			'ending a year of debate that divided shopkeepers and residents'
		]);
		const panel = await openPanel(ben, await tabIdOf(ben, page));
		const orphans = panel.locator('#orphans li blockquote');
		await orphans.first().waitFor();
		expect(await orphans.allTextContents()).toEqual(['A petition against the\nplan gathered 3,200 signatures']);
		await expect(panel.locator('#orphans-count').textContent()).resolves.toBe('1');
		for (const p of [panel, page]) await p.close();
	});

	it('keeps a highlight made while the relay is down and shows it to the other member once it is back', async () => {
		const anaPage = await openArticle(ana);
		await eventually(async () => (await paintedTexts(anaPage)).length === 2, 15_000);
		await relay.stop();

		await highlight(anaPage, 'Residents can comment on the detailed designs');
		// The side panel, reading the group from the extension's storage, says a change is waiting.
		const panel = await openPanel(ana, await tabIdOf(ana, anaPage));
		await panel.getByText(/Offline — \d+ changes? waiting/).waitFor({ timeout: 15_000 });
		await panel.locator('#highlights li blockquote', { hasText: 'Residents can comment' }).waitFor();

		// Chromium stops an idle extension service worker whenever it likes: stop it now, so the
		// highlight must come back from the extension's storage, not from the worker's memory.
		await panel.close();
		await ana.worker.evaluate(() => void ((globalThis as { before?: boolean }).before = true));
		const cdp = await ana.context.newCDPSession(anaPage);
		const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
		const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${ana.extensionId}/`));
		expect(worker).toBeDefined();
		expect(await cdp.send('Target.closeTarget', { targetId: worker!.targetId })).toEqual({ success: true });
		await cdp.detach();
		// The page's content script wakes a new worker, which knows nothing but what is stored.
		const fresh = async () => {
			for (const w of ana.context.serviceWorkers()) {
				if ((await w.evaluate(() => (globalThis as { before?: boolean }).before ?? 'fresh').catch(() => null)) === 'fresh') return true;
			}
			return false;
		};
		await eventually(fresh, 20_000);

		relay = await startTestRelay({ dataDir: relayData, port: relayPort });
		const benPage = await openArticle(ben);
		await eventually(async () => (await paintedTexts(benPage)).includes('Residents can comment on the detailed designs'), 30_000);
	});
});
