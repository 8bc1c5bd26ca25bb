/// <reference types="chrome" />
// The browser extension on hard pages and in the side panel: a strict Content-Security-Policy, a
// single-page app that changes its address in place, a page of 100,000 nodes; a highlight with a
// note, the note co-edited by two members in their side panels, and who is on the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createGroup } from '../../src/lib/model';
import { buildExtension, clickExtensionUi, clickToolbar, joinGroup, launchProfile, openPanel, paintedTexts, selectText, startPageServer, tabIdOf, type BuiltExtension, type Profile } from '../helpers/extension';
import { connectMember, eventually, newToken, startTestRelay, type TestRelay } from '../helpers/relay';

let relay: TestRelay;
let extension: BuiltExtension;
let site: Awaited<ReturnType<typeof startPageServer>>;
let ana: Profile;
let ben: Profile;
const groupId = `ext-pages-${newToken().slice(0, 10)}`;
let link = '';

const SPA = `<!doctype html><html><head><title>Atlas</title></head><body><main id="view"><p>The first view speaks of rivers and their deltas.</p></main>
<button id="go">Next</button>
<script>
const views = { '/spa/one': 'The first view speaks of rivers and their deltas.', '/spa/two': 'The second view speaks of mountains and glaciers.' };
const show = () => { document.getElementById('view').innerHTML = '<p>' + views[location.pathname] + '</p>'; };
document.getElementById('go').onclick = () => { history.pushState({}, '', '/spa/two'); show(); };
addEventListener('popstate', show);
show();
</script></body></html>`;

function bigPage(): string {
	// 100,000 elements: 20,000 paragraphs of five spans each.
	const rows: string[] = [];
	for (let i = 0; i < 20_000; i++) rows.push(`<p><span>Row ${i}</span> <span>alpha</span> <span>beta</span> <span>gamma</span> <span>delta ${i}.</span></p>`);
	rows.push('<p id="end">The last paragraph of the long page is worth keeping.</p>');
	return `<!doctype html><html><head><title>Long</title></head><body>${rows.join('')}</body></html>`;
}

beforeAll(async () => {
	extension = buildExtension();
	relay = await startTestRelay();
	site = await startPageServer();
	site.pages.set('/strict', {
		html: '<!doctype html><html><head><title>Strict</title><style>p{color:red}</style></head><body><p>A page that allows no scripts and no styles of anyone else.</p></body></html>',
		headers: { 'content-security-policy': "default-src 'none'; style-src 'none'; script-src 'none'" }
	});
	site.pages.set('/spa/', { html: SPA });
	site.pages.set('/long', { html: bigPage() });
	site.pages.set('/notes', { html: '<!doctype html><html><head><title>Notes page</title></head><body><p>Members discuss this sentence in their notes.</p></body></html>' });

	const ownerToken = newToken();
	const owner = connectMember(relay.wsUrl, groupId, { token: ownerToken, create: true });
	await eventually(() => owner.provider.synced);
	createGroup(owner.doc, { memberId: 'owner' }, { name: 'Field notes' });
	const response = await fetch(`${relay.url}/api/groups/${groupId}/invites`, {
		method: 'POST',
		headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ role: 'editor' })
	});
	link = `${relay.url}${((await response.json()) as { link: string }).link}`;
	owner.destroy();
	[ana, ben] = await Promise.all([launchProfile(extension.dir), launchProfile(extension.dir)]);
	await joinGroup(ana, link, 'Ana');
	await joinGroup(ben, link, 'Ben');
});

afterAll(async () => {
	await ana?.close();
	await ben?.close();
	await relay?.stop();
	await site?.close();
	extension?.remove();
});

async function open(profile: Profile, path: string): Promise<Page> {
	const page = await profile.context.newPage();
	await page.goto(`${site.url}${path}`);
	return page;
}

async function highlight(page: Page, text: string): Promise<void> {
	await selectText(page, text);
	await clickToolbar(page, 'Highlight');
	await eventually(async () => (await paintedTexts(page)).includes(text), 15_000);
}

describe('the browser extension on hard pages', () => {
	it('joins a group when its invite link is opened, after the member says so', async () => {
		const cleo = await launchProfile(extension.dir);
		try {
			const page = await cleo.context.newPage();
			await page.goto(link);
			await page.locator('commonplace-invite').waitFor();
			await clickExtensionUi(page, 'commonplace-invite', { tag: 'input' });
			await page.keyboard.press('ControlOrMeta+A');
			await page.keyboard.type('Cleo');
			await clickExtensionUi(page, 'commonplace-invite', { button: 'Add to the extension' });
			const panel = await openPanel(cleo);
			await panel.locator('#workspace').waitFor({ timeout: 15_000 });
			expect(await cleo.worker.evaluate(async () => ((await chrome.storage.local.get('profile')).profile as { name?: string } | undefined)?.name)).toBe('Cleo');
			expect(await panel.locator('#group option').allTextContents()).toEqual(['Field notes']);
		} finally {
			await cleo.close();
		}
	});

	it('highlights on a page whose Content-Security-Policy refuses every script and style, its UI closed to the page', async () => {
		const page = await open(ana, '/strict');
		await highlight(page, 'allows no scripts');
		// The page's own scripts cannot reach into the toolbar.
		expect(await page.evaluate(() => document.querySelector('commonplace-toolbar')?.shadowRoot ?? null)).toBeNull();
		const other = await open(ben, '/strict');
		await eventually(async () => (await paintedTexts(other)).includes('allows no scripts'), 15_000);
		await page.close();
		await other.close();
	});

	it('follows a single-page app to a new address and back', async () => {
		const page = await open(ana, '/spa/one');
		await highlight(page, 'rivers and their deltas');
		await page.click('#go');
		await page.waitForURL('**/spa/two');
		// The second view is another page for the group: the first view's highlight is not drawn there.
		await eventually(async () => (await paintedTexts(page)).length === 0);
		await highlight(page, 'mountains and glaciers');
		await page.goBack();
		await page.waitForURL('**/spa/one');
		await eventually(async () => JSON.stringify(await paintedTexts(page)) === JSON.stringify(['rivers and their deltas']), 15_000);
		await page.close();
	});

	it('draws on a page of 100,000 nodes', async () => {
		const page = await open(ana, '/long');
		await page.locator('#end').scrollIntoViewIfNeeded();
		await highlight(page, 'worth keeping');
		const other = await open(ben, '/long');
		await eventually(async () => (await paintedTexts(other)).includes('worth keeping'), 20_000);
		await page.close();
		await other.close();
	});

	it('adds a highlight with a note, which both members edit together in the side panel, and shows who is on the page', async () => {
		const page = await open(ana, '/notes');
		await selectText(page, 'discuss this sentence');
		await clickToolbar(page, 'Highlight and note');
		// The note field takes the focus: a member can type and save with the keyboard.
		await page.keyboard.type('Worth a closer look');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await eventually(async () => (await paintedTexts(page)).includes('discuss this sentence'), 15_000);

		const anaPanel = await openPanel(ana, await tabIdOf(ana, page));
		const anaNote = anaPanel.locator('#highlights li textarea').first();
		await eventually(async () => (await anaNote.inputValue()) === 'Worth a closer look');

		const benPage = await open(ben, '/notes');
		const benPanel = await openPanel(ben, await tabIdOf(ben, benPage));
		await anaPanel.locator('#presence', { hasText: '2 members on this page' }).waitFor({ timeout: 15_000 });
		const benNote = benPanel.locator('#highlights li textarea').first();
		await eventually(async () => (await benNote.inputValue()) === 'Worth a closer look', 15_000);
		await benNote.click();
		await benNote.press('End');
		await benNote.pressSequentially(', agreed');
		await eventually(async () => (await anaNote.inputValue()) === 'Worth a closer look, agreed', 15_000);

		// A note on the page itself, from the panel; the badge counts both.
		await benPanel.getByLabel('Add a note about this page').fill('Cited in chapter two.');
		await benPanel.getByRole('button', { name: 'Add note' }).click();
		await eventually(async () => (await anaPanel.locator('#notes li textarea').count()) === 1, 15_000);
		const anaTab = await tabIdOf(ana, page);
		await eventually(async () => (await ana.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), anaTab)) === '2', 15_000);

		// Only its author may delete a highlight; it then leaves both pages.
		expect(await benPanel.locator('#highlights li button.delete').count()).toBe(0);
		await anaPanel.locator('#highlights li').first().getByRole('button', { name: 'Delete' }).click();
		await eventually(async () => (await paintedTexts(benPage)).length === 0, 15_000);
		await eventually(async () => (await ana.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), anaTab)) === '1', 15_000);
	});
});
