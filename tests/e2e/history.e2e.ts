// An item's history in real Chromium, two browsers of their own: Ana (an editor) changes an item's
// title; the owner opens the item's timeline, reads who changed what, views the item as it was and
// restores the old title, which the group page then shows in both browsers. Also "Recent changes".
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browsersOnRelay } from '../helpers/browsers-on-relay';
import { createGroupFromHome, groupTab as tab, statusSays } from '../helpers/workspace-page';

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const members = browsersOnRelay();
const { person, pageErrors } = members;

describe('item history', () => {
	it('another member restores an item’s old title from its timeline, and the group page shows it again', async () => {
		const owner = await person();
		const groupId = await createGroupFromHome(owner, members.relay.url, 'History club');
		await statusSays(owner, /^Up to date$/);

		// The owner saves an item.
		await tab(owner, 'Add an item').click();
		await owner.getByLabel('Page address').fill('http://127.0.0.1:9/essay');
		await owner.getByLabel('Title').fill('The first title');
		await owner.getByRole('button', { name: /Save item/ }).click();
		await owner.waitForURL(/\/i\/[0-9a-f]+$/);
		const itemPath = new URL(owner.url()).pathname;
		await statusSays(owner, /^Up to date$/);

		// Ana joins as an editor and changes the title.
		await tab(owner, 'Settings').click();
		await owner.getByLabel('Editor', { exact: true }).check();
		await owner.getByLabel(/Who is it for/).fill('Ana');
		await owner.getByRole('button', { name: 'Create invite link' }).click();
		const link = await owner.getByLabel('Invite link for an editor (Ana)').inputValue();
		const ana = await person(360);
		await ana.goto(link);
		await ana.getByLabel('Your display name').fill('Ana');
		await ana.getByRole('button', { name: 'Join the group' }).click();
		await ana.waitForURL(/\/g\/[^/]+$/);
		await statusSays(ana, /^Up to date$/);
		await ana.goto(`${members.relay.url}${itemPath}`);
		await ana.getByRole('button', { name: 'Edit title, description and tags' }).click();
		await ana.getByLabel('Title').fill('A worse title');
		await ana.getByRole('button', { name: 'Save changes' }).click();
		await ana.getByRole('heading', { name: 'A worse title' }).waitFor();
		await statusSays(ana, /^Up to date$/);

		// The owner sees it, opens the item's history and reads who did what.
		await owner.goto(`${members.relay.url}${itemPath}`);
		await owner.getByRole('heading', { name: 'A worse title' }).waitFor();
		await owner.getByRole('link', { name: 'History of this item' }).click();
		await owner.waitForURL(/\/history$/);
		const entries = owner.locator('.history-entries > li');
		await entries.filter({ hasText: 'Ana changed the title from “The first title” to “A worse title”' }).waitFor();
		const saved = entries.filter({ hasText: /saved the item “The first title”/ });
		await saved.waitFor();
		expect(await entries.first().textContent()).toContain('Ana changed the title');

		// As it was when it was saved, then brought back.
		await saved.getByRole('button', { name: /View as it was/ }).click();
		await saved.locator('.version .title', { hasText: 'The first title' }).waitFor();
		await owner.screenshot({ path: join(SCREENSHOTS, 'item-history-1280.png'), fullPage: true });
		await saved.getByRole('button', { name: 'Restore this version' }).click();
		await owner.getByRole('status').filter({ hasText: /Restored/ }).waitFor();
		// The restore is itself a change in the timeline, by the owner.
		await entries.first().filter({ hasText: /changed the title from “A worse title” to “The first title”/ }).waitFor({ timeout: 15_000 });

		// Both group pages show the old title again.
		await tab(owner, 'Items').click();
		await owner.getByRole('link', { name: 'The first title', exact: true }).waitFor();
		await ana.goto(`${members.relay.url}/g/${groupId}`);
		await ana.getByRole('link', { name: 'The first title', exact: true }).waitFor({ timeout: 15_000 });
		expect(await ana.getByRole('link', { name: 'A worse title', exact: true }).count()).toBe(0);

		// Recent changes lists the group's entries, linked to the item's history; it fits a phone.
		await tab(ana, 'Recent changes').click();
		await ana.locator('.history-entries > li', { hasText: 'Ana changed the title' }).waitFor();
		expect(await ana.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await ana.screenshot({ path: join(SCREENSHOTS, 'recent-changes-360.png'), fullPage: true });
		expect(pageErrors).toEqual([]);
	});

	it('says plainly that history needs the relay when offline', async () => {
		const page = await person();
		await createGroupFromHome(page, members.relay.url, 'Offline history');
		await statusSays(page, /^Up to date$/);
		await page.context().setOffline(true);
		await tab(page, 'Recent changes').click();
		await page.getByText(/History is kept by the relay, not in this browser: connect to the network to see it/).waitFor();
	});
});
