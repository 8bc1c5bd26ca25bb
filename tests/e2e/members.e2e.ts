// Members and invite links in real Chromium, three browsers of their own: the owner makes a
// single-use link for Ana, Ana joins, a third browser is refused with the link; the owner sees Ana
// among the members and makes her a viewer, and her edit controls go at once. Also the pages' looks:
// what the join page says before joining, one colour picker, settings aligned like the other pages,
// export buttons of one width. Screenshots of settings and the join page at 1280 and 360 px.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browsersOnRelay } from '../helpers/browsers-on-relay';
import { createGroupFromHome, groupTab as tab, statusSays } from '../helpers/workspace-page';
import { eventually } from '../helpers/relay';

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const members = browsersOnRelay();
const { person, pageErrors } = members;

async function newGroup(owner: Page, name: string): Promise<string> {
	const groupId = await createGroupFromHome(owner, members.relay.url, name);
	await statusSays(owner, /^Up to date$/);
	return groupId;
}

/** Both widths, for the screenshots the brief's reviewers look at. */
async function shoot(page: Page, name: string): Promise<void> {
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.screenshot({ path: join(SCREENSHOTS, `${name}-1280.png`), fullPage: true });
	await page.setViewportSize({ width: 360, height: 800 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await page.screenshot({ path: join(SCREENSHOTS, `${name}-360.png`), fullPage: true });
	await page.setViewportSize({ width: 1280, height: 900 });
}

const USED = /This invite link has already been used — ask the group.s owner for a new one/;

describe('members and invite links', () => {
	it('a single-use link joins Ana only; the owner sees her, makes her a viewer, and her edit controls go', async () => {
		const owner = await person();
		const groupId = await newGroup(owner, 'Atelier');
		await tab(owner, 'Settings').click();
		await owner.getByRole('heading', { name: 'Invite people' }).waitFor();
		await owner.getByLabel('Editor', { exact: true }).check();
		// A link for someone named is single-use unless the owner says otherwise.
		expect(await owner.getByLabel('One person (single-use)').isChecked()).toBe(false);
		await owner.getByLabel(/Who is it for/).fill('Ana');
		expect(await owner.getByLabel('One person (single-use)').isChecked()).toBe(true);
		await owner.getByRole('button', { name: 'Create invite link' }).click();
		const field = owner.getByLabel('Invite link for an editor (Ana)');
		await field.waitFor();
		const link = await field.inputValue();
		await owner.getByTestId('invite').filter({ hasText: 'single-use' }).filter({ hasText: 'Nobody has joined with it yet.' }).waitFor();

		// Before joining, the page says what the link offers, not what Ana already is.
		const ana = await person();
		await ana.goto(link);
		const offer = ana.getByTestId('link-offer');
		await offer.waitFor();
		expect(await offer.textContent()).toMatch(/This link lets you join as an editor\..*works once/s);
		expect(await ana.getByText(/You are an? (editor|viewer|owner)/).count()).toBe(0);
		await shoot(ana, 'join-page');
		await ana.getByLabel('Your display name').fill('Ana');
		await ana.getByRole('button', { name: 'Join the group' }).click();
		await ana.waitForURL(/\/g\/[^/]+$/);
		await statusSays(ana, /^Up to date$/);
		await tab(ana, 'Add an item').waitFor();

		// Someone else with the same link is refused, in words.
		const mallory = await person(360);
		await mallory.goto(link);
		await mallory.getByTestId('join-refused').filter({ hasText: USED }).waitFor();
		expect(await mallory.getByLabel('Your display name').count()).toBe(0);

		// Ana's own browser comes back with its own token, as often as it likes.
		await ana.reload();
		await statusSays(ana, /^Up to date$/);
		await tab(ana, 'Add an item').waitFor();
		// And opening the link again in her browser just offers to open the group.
		await ana.goto(link);
		await ana.getByText('This browser already holds this group.').waitFor();
		await ana.goto(`${members.relay.url}/g/${groupId}`);
		await statusSays(ana, /^Up to date$/);

		// The owner sees Ana, online, and the link she joined with.
		await owner.getByRole('button', { name: 'Refresh' }).click();
		const anaRow = owner.locator('[data-testid="member"][data-name="Ana"]');
		await anaRow.filter({ hasText: 'online now' }).filter({ hasText: 'joined with the single-use link for Ana' }).waitFor();
		await owner.getByTestId('invite-joined').filter({ hasText: /Used by Ana/ }).waitFor();
		// The owner is listed by their display name, not as a token.
		await owner.locator('[data-testid="member"]').filter({ hasText: '(you)' }).filter({ hasText: /^\s*Member [0-9a-f]{4}/ }).waitFor();
		await shoot(owner, 'settings');

		// Made a viewer, Ana can no longer edit: her controls go without a reload.
		await anaRow.getByLabel('Role of Ana').selectOption('viewer');
		await owner.getByRole('status').filter({ hasText: 'Ana is now a viewer.' }).waitFor();
		await ana.getByText('You can read this group but not edit it.').waitFor({ timeout: 15_000 });
		await eventually(async () => (await tab(ana, 'Add an item').count()) === 0);
		expect(await ana.getByRole('button', { name: 'Undo' }).count()).toBe(0);

		// The used link only leaves the list; Ana stays a member.
		await owner.getByRole('button', { name: /Remove from the list/ }).click();
		await owner.getByTestId('invite').waitFor({ state: 'detached' });
		await owner.getByRole('button', { name: 'Refresh' }).click();
		await anaRow.waitFor();
		await statusSays(ana, /^Up to date$/);
		expect(pageErrors).toEqual([]);
	});
});

describe('joining offline', () => {
	it('with a single-use link finishes once the relay answers: the link is then spent', async () => {
		const owner = await person();
		const groupId = await newGroup(owner, 'Offline joins');
		await tab(owner, 'Settings').click();
		await owner.getByLabel(/Who is it for/).fill('Bo');
		await owner.getByRole('button', { name: 'Create invite link' }).click();
		const link = await owner.getByLabel('Invite link for an editor (Bo)').inputValue();

		const bo = await person(360);
		// The relay's API is unreachable while Bo joins, so the link cannot be exchanged yet.
		await bo.context().route('**/api/**', (route) => route.abort());
		await bo.goto(link);
		await bo.getByLabel('Your display name').fill('Bo');
		await bo.getByRole('button', { name: 'Join the group' }).click();
		await bo.waitForURL(/\/g\/[^/]+$/);
		await bo.getByText('You can read this group but not edit it.').waitFor();

		// Once the relay answers, the join finishes by itself: Bo syncs with a token of his own, as an editor.
		await bo.context().unroute('**/api/**');
		await statusSays(bo, /^Up to date$/);
		await tab(bo, 'Add an item').waitFor({ timeout: 20_000 });
		const stranger = await person(360);
		await stranger.goto(link);
		await stranger.getByTestId('join-refused').filter({ hasText: USED }).waitFor();
		await owner.getByRole('button', { name: 'Refresh' }).click();
		await owner.locator('[data-testid="member"][data-name="Bo"]').filter({ hasText: 'joined with the single-use link for Bo' }).waitFor();
		expect(groupId).toBeTruthy();
		expect(pageErrors).toEqual([]);
	});
});

describe('the pages look alike', () => {
	it('uses one colour picker on home and join, with distinct named colours', async () => {
		const owner = await person();
		await newGroup(owner, 'Palette');
		await tab(owner, 'Settings').click();
		await owner.getByRole('button', { name: 'Create invite link' }).click();
		const link = await owner.getByLabel(/Invite link for an editor/).inputValue();

		const visitor = await person(360);
		await visitor.goto(`${members.relay.url}/`);
		const names = async (page: Page) => {
			await page.getByTestId('colour-picker').getByRole('radio').first().waitFor({ state: 'attached' });
			return page
				.getByTestId('colour-picker')
				.locator('label')
				.evaluateAll((labels) => labels.map((l) => `${l.querySelector('input')?.value} ${l.querySelector('span.visually-hidden')?.textContent}`));
		};
		const home = await names(visitor);
		await visitor.goto(link);
		await visitor.getByTestId('link-offer').waitFor();
		const joinPage = await names(visitor);
		expect(home).toEqual(joinPage);
		expect(home).toContain('#1d4ed8 Blue');
		expect(new Set(home).size).toBe(home.length);
		// A colour is picked by its swatch, and by keyboard as radios are.
		await visitor.locator('label[title="Teal"]').click();
		expect(await visitor.getByRole('radio', { name: 'Teal' }).isChecked()).toBe(true);
		await visitor.keyboard.press('ArrowRight');
		expect(await visitor.getByRole('radio', { name: 'Blue' }).isChecked()).toBe(true);
	});

	it('aligns settings with the other group pages, and gives export buttons one width', async () => {
		const owner = await person();
		const groupId = await newGroup(owner, 'Layout');
		const headingX = async (path: string) => {
			await owner.goto(`${members.relay.url}/g/${groupId}${path}`);
			const box = await owner.locator('main h1').first().boundingBox();
			return box!.x;
		};
		const exchangeX = await headingX('/exchange');
		const settingsX = await headingX('/settings');
		expect(settingsX).toBe(exchangeX);

		for (const width of [1280, 360]) {
			await owner.setViewportSize({ width, height: 900 });
			await owner.goto(`${members.relay.url}/g/${groupId}/exchange`);
			const exports = owner.getByRole('region', { name: 'Export', exact: true }).getByRole('button');
			await exports.first().waitFor();
			const widths = await exports
				.evaluateAll((buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().width)));
			expect(widths.length).toBe(4);
			expect(new Set(widths).size, `button widths at ${width} px: ${widths.join(', ')}`).toBe(1);
		}
	});
});
