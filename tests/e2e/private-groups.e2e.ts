// Private groups in real Chromium: the owner invites an editor and a viewer, both join through their
// links in browsers of their own, edits flow to everyone, the viewer cannot edit, and a removed
// editor is told so and no longer syncs. The owner renames the group and deletes it.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { getGroupInfo, hasGroup, readAllItems } from '../../src/lib/model';
import { launchBrowser } from '../helpers/browser';
import { createGroup } from '../../src/lib/model';
import { connectMember, eventually, newToken, startTestRelay, type TestRelay } from '../helpers/relay';

let relay: TestRelay;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
	relay = await startTestRelay({ staticDir: inject('buildDir') });
	browser = await launchBrowser();
});

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => {});
	await browser?.close();
	await relay?.stop();
});

/** A member's own browser (separate storage), 360 px wide to keep the pages honest on phones. */
async function person(): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
	contexts.push(context);
	const page = await context.newPage();
	page.on('pageerror', (error) => pageErrors.push(error.message));
	return page;
}

/** A link of the group's own navigation bar. */
const tab = (page: Page, name: string) => page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name, exact: true });

const statusSays = (page: Page, text: RegExp) => page.locator('.sync-status .label', { hasText: text }).waitFor({ timeout: 20_000 });

async function makeInvite(owner: Page, role: 'Editor' | 'Viewer'): Promise<string> {
	await owner.getByLabel(role, { exact: true }).check();
	await owner.getByRole('button', { name: 'Create invite link' }).click();
	const field = owner.getByLabel(`Invite link for ${role === 'Editor' ? 'an editor' : 'a viewer'}`);
	await field.waitFor();
	return field.inputValue();
}

async function join(page: Page, link: string, name: string): Promise<void> {
	await page.goto(link);
	await page.getByLabel('Your display name').waitFor();
	// The token left the address bar as soon as the page read it.
	expect(new URL(page.url()).hash).toBe('');
	await page.getByLabel('Your display name').fill(name);
	await page.getByRole('button', { name: 'Join the group' }).click();
	await page.waitForURL(/\/g\/[^/]+$/);
	await page.getByRole('heading', { name: 'Group items', exact: true }).waitFor();
}

async function addItem(page: Page, groupId: string, url: string, title: string): Promise<void> {
	// Through the app's own navigation, so the page (and its connection) stays the same.
	await tab(page, 'Add an item').click();
	await page.waitForURL(`**/g/${groupId}/new`);
	await page.getByLabel('Page address').fill(url);
	await page.getByLabel('Title').fill(title);
	await page.getByRole('button', { name: /Save item/ }).click();
	await page.waitForURL(/\/i\/[0-9a-f]+$/);
}

describe('a private group', () => {
	it('invites an editor and a viewer, shares edits, keeps the viewer read-only, and removes the editor', async () => {
		const owner = await person();
		await owner.goto(`${relay.url}/`);
		await owner.getByLabel('Group name').fill('Tic&Travail');
		await owner.getByRole('button', { name: 'Create group' }).click();
		await owner.waitForURL(/\/g\/[^/]+$/);
		const groupId = /\/g\/([^/]+)$/.exec(new URL(owner.url()).pathname)![1];
		await statusSays(owner, /^Up to date$/);

		await tab(owner, 'Settings').click();
		await owner.getByRole('heading', { name: 'Invite people' }).waitFor();
		await owner.getByText(/You are an owner of this group/).waitFor();
		const editorLink = await makeInvite(owner, 'Editor');
		const viewerLink = await makeInvite(owner, 'Viewer');
		expect(editorLink).toMatch(new RegExp(`^${relay.url}/join/${groupId}#[A-Za-z0-9_-]{22,}$`));
		expect(viewerLink).not.toBe(editorLink);
		// Invite links only: the owner's own token is a member, not a link.
		await eventually(async () => (await owner.getByTestId('invite').count()) === 2);
		expect(await owner.locator('[data-testid="invite"][data-role="editor"]').count()).toBe(1);

		const editor = await person();
		const viewer = await person();
		await join(editor, editorLink, 'Eve');
		await join(viewer, viewerLink, 'Vic');

		// The viewer is told it cannot edit, and has no way to.
		await viewer.getByText('You can read this group but not edit it.').waitFor();
		expect(await viewer.getByRole('link', { name: 'Add an item' }).count()).toBe(0);
		expect(await editor.getByText('You can read this group but not edit it.').count()).toBe(0);

		// The editor's item reaches the owner and the viewer.
		await addItem(editor, groupId, 'https://example.org/essay', 'An essay on commonplace books');
		for (const page of [owner, viewer]) {
			await tab(page, 'Items').click();
			await page.getByText('An essay on commonplace books').first().waitFor({ timeout: 15_000 });
		}
		await viewer.getByRole('link', { name: /Open.*An essay on commonplace books/ }).click();
		await viewer.waitForURL(/\/i\/[0-9a-f]+$/);
		await viewer.getByRole('heading', { name: 'An essay on commonplace books' }).waitFor();
		expect(await viewer.getByRole('button', { name: /edit|delete|add|save/i }).count()).toBe(0);
		expect(await editor.getByRole('button', { name: /Edit title/ }).count()).toBe(1); // the editor, on the same page, can

		// The owner removes the editor, who is told so at once. (Joining gave Eve a token of her own,
		// so it is the member who is removed; revoking the link only stops new joins.)
		await tab(owner, 'Settings').click();
		const eveRow = owner.locator('[data-testid="member"][data-name="Eve"]');
		await eveRow.getByRole('button', { name: /Remove/ }).click();
		await eveRow.getByRole('button', { name: 'Yes, remove' }).click();
		await eveRow.waitFor({ state: 'detached' });
		await editor.getByRole('alert').filter({ hasText: /removed you/ }).waitFor({ timeout: 5_000 });
		const editorRow = owner.locator('[data-testid="invite"][data-role="editor"]');
		await editorRow.getByRole('button', { name: /Revoke/ }).click();
		await editorRow.getByRole('button', { name: 'Yes, revoke' }).click();
		await editorRow.waitFor({ state: 'detached' });

		// The editor can no longer write here nor receive what others write.
		expect(await tab(editor, 'Add an item').count()).toBe(0);
		await tab(editor, 'Items').click();
		await tab(owner, 'Items').click();
		await addItem(owner, groupId, 'https://example.org/owner', 'Added by the owner afterwards');
		await tab(viewer, 'Items').click();
		await viewer.getByText('Added by the owner afterwards').first().waitFor({ timeout: 15_000 });
		await editor.getByText('An essay on commonplace books').first().waitFor();
		expect(await editor.getByText('Added by the owner afterwards').count()).toBe(0);
		const titles = readAllItems((await relay.relay.loadGroupDoc(groupId))!).map((item) => item.title);
		expect(titles.sort()).toEqual(['Added by the owner afterwards', 'An essay on commonplace books']);

		// Told again after a reload, and the revoked link no longer lets anyone join.
		await editor.reload();
		await editor.getByRole('alert').filter({ hasText: /removed you/ }).waitFor({ timeout: 15_000 });
		const stranger = await person();
		await stranger.goto(editorLink);
		await stranger.getByTestId('join-refused').filter({ hasText: /revoked/ }).waitFor();
		expect(new URL(stranger.url()).hash).toBe('');

		// The owner opening a weaker link keeps the owner's one.
		await owner.goto(viewerLink);
		await owner.getByRole('heading', { name: 'You already belong to this group' }).waitFor();
		await owner.getByRole('link', { name: 'Open the group' }).click();
		await tab(owner, 'Settings').click();
		await owner.getByText(/You are an owner of this group/).waitFor();

		expect(pageErrors).toEqual([]);
	});

	it('lets the owner rename the group for everyone, then delete it', async () => {
		const owner = await person();
		await owner.goto(`${relay.url}/`);
		await owner.getByLabel('Group name').fill('Reading list');
		await owner.getByRole('button', { name: 'Create group' }).click();
		await owner.waitForURL(/\/g\/[^/]+$/);
		const groupId = /\/g\/([^/]+)$/.exec(new URL(owner.url()).pathname)![1];
		await statusSays(owner, /^Up to date$/);
		await tab(owner, 'Settings').click();
		const link = await makeInvite(owner, 'Editor');
		const editor = await person();
		await join(editor, await makeInvite(owner, 'Editor'), 'Eli');

		// Another member, connected from outside the browser.
		const other = connectMember(relay.wsUrl, groupId, { token: new URL(link).hash.slice(1) });
		const closes: { code: number; reason: string }[] = [];
		other.provider.on('connection-close', (event) => event && closes.push({ code: event.code, reason: event.reason }));
		try {
			await eventually(() => other.provider.synced && hasGroup(other.doc));

			await owner.getByLabel('Group name').fill('   ');
			await owner.getByRole('button', { name: 'Rename' }).click();
			await owner.getByRole('alert').filter({ hasText: 'Give the group a name.' }).waitFor();
			await owner.getByLabel('Group name').fill('Reading list, 2026');
			await owner.getByRole('button', { name: 'Rename' }).click();
			await eventually(() => getGroupInfo(other.doc).name === 'Reading list, 2026');
			await owner.locator('.group-name', { hasText: 'Reading list, 2026' }).waitFor();
			await editor.locator('.group-name', { hasText: 'Reading list, 2026' }).waitFor();
			// Only the owner may rename or delete.
			await tab(editor, 'Settings').click();
			await editor.getByRole('heading', { name: 'Feeds' }).waitFor();
			expect(await editor.getByRole('heading', { name: /^(Name|Delete this group)$/ }).count()).toBe(0);

			await owner.getByRole('button', { name: 'Delete this group…' }).click();
			await owner.getByLabel(/Type the group’s name/).fill('Reading list');
			await owner.getByRole('button', { name: 'Delete the group for everyone' }).click();
			await owner.getByRole('alert').filter({ hasText: /exactly as shown/ }).waitFor();
			await owner.getByLabel(/Type the group’s name/).fill('Reading list, 2026');
			await owner.getByRole('button', { name: 'Delete the group for everyone' }).click();

			await owner.waitForURL(`${relay.url}/`);
			await owner.getByTestId('home-notice').filter({ hasText: /“Reading list, 2026” was deleted/ }).waitFor();
			await eventually(() => closes.length > 0);
			expect(closes[0]).toEqual({ code: 4410, reason: expect.stringMatching(/deleted by its owner/) });
			expect(await relay.relay.loadGroupDoc(groupId)).toBeNull();
			// Gone from the list, after a reload too: this browser forgot it (it held no other group).
			await owner.getByText('This browser holds no group yet.').waitFor();
			await owner.reload();
			await owner.getByText('This browser holds no group yet.').waitFor();

			// The editor, on the group's page, is told at once and can no longer edit.
			await tab(editor, 'Items').click();
			await editor.getByRole('alert').filter({ hasText: /deleted by its owner/ }).first().waitFor({ timeout: 10_000 });
			expect(await tab(editor, 'Add an item').count()).toBe(0);
			// The settings page says so too, and lets this browser forget the group.
			await tab(editor, 'Settings').click();
			await editor.getByRole('alert').filter({ hasText: /deleted by its owner/ }).waitFor();
			await editor.getByRole('button', { name: 'Remove this group from this browser' }).click();
			await editor.waitForURL(`${relay.url}/`);
			await editor.getByTestId('home-notice').filter({ hasText: /removed from this browser/ }).waitFor();
			await editor.getByText('This browser holds no group yet.').waitFor();
		} finally {
			other.destroy();
		}
		expect(pageErrors).toEqual([]);
	});

	it('gives a member who joined while the relay could not be reached the real role of their invite', async () => {
		const groupId = `joined-offline-${newToken().slice(0, 8)}`;
		const ownerToken = newToken();
		const owner = connectMember(relay.wsUrl, groupId, { token: ownerToken, create: true });
		await eventually(() => owner.provider.synced);
		createGroup(owner.doc, { memberId: 'owner' }, { name: 'Field notes' });
		const response = await fetch(`${relay.url}/api/groups/${groupId}/invites`, {
			method: 'POST',
			headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'editor' })
		});
		const invite = (await response.json()) as { link: string };
		owner.destroy();

		const member = await person();
		// The relay's API is unreachable while the member joins, so the page cannot learn the role.
		await member.context().route('**/api/**', (route) => route.abort());
		await member.goto(`${relay.url}${invite.link}`);
		await member.getByLabel('Your display name').fill('Ola');
		await member.getByRole('button', { name: 'Join the group' }).click();
		await member.waitForURL(/\/g\/[^/]+$/);
		await member.getByText('You can read this group but not edit it.').waitFor();

		// Once the relay answers, the member is the editor the invite made them.
		await member.context().unroute('**/api/**');
		await member.reload();
		await tab(member, 'Add an item').waitFor({ timeout: 15_000 });
		expect(await member.getByText('You can read this group but not edit it.').count()).toBe(0);
	});
});
