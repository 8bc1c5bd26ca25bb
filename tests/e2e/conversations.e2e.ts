// Conversations and moderation in real Chromium, two members in browsers of their own through a
// real relay: they reply to each other live, Ana mentions the owner by completing the name, Ana
// flags the owner's note, and the owner hides it from the Flagged view; Ana then sees "Hidden by an
// owner" in its place, without the replies under it, on the item page, on the group page and in a
// search, while the owner sees it greyed with its discussion.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browsersOnRelay } from '../helpers/browsers-on-relay';
import { createGroupFromHome, groupTab as tab, statusSays } from '../helpers/workspace-page';

const members = browsersOnRelay();
const { person, pageErrors } = members;

describe('conversations and moderation', () => {
	it('two members reply to each other live, mention by completion, and an owner hides a flagged note', async () => {
		const owner = await person();
		await createGroupFromHome(owner, members.relay.url, 'Lecture');
		await statusSays(owner, /^Up to date$/);
		const base = new URL(owner.url()).pathname;

		// The owner saves a page and writes a note on it.
		await tab(owner, 'Add an item').click();
		await owner.getByLabel('Page address').fill('https://example.org/article');
		await owner.getByLabel('Title').fill('Rémunérer les amateurs');
		await owner.getByRole('button', { name: 'Save item' }).click();
		await owner.waitForURL(/\/i\/[0-9a-f]+$/);
		const itemPath = new URL(owner.url()).pathname;
		await owner.getByLabel('Add a note').fill('Read this first');
		await owner.getByRole('button', { name: 'Add note' }).click();
		await owner.locator('[data-note]').filter({ hasText: 'Read this first' }).waitFor();

		// Ana joins as an editor.
		await tab(owner, 'Settings').click();
		await owner.getByLabel('Editor', { exact: true }).check();
		await owner.getByRole('button', { name: 'Create invite link' }).click();
		const link = await owner.getByLabel(/Invite link for an editor/).inputValue();
		const ana = await person(360);
		await ana.goto(link);
		await ana.getByLabel('Your display name').fill('Ana');
		await ana.getByRole('button', { name: 'Join the group' }).click();
		await ana.waitForURL(/\/g\/[^/]+$/);
		await statusSays(ana, /^Up to date$/);

		await owner.goto(`${members.relay.url}${itemPath}`);
		await ana.goto(`${members.relay.url}${itemPath}`);
		const anaNote = ana.locator('[data-note]').filter({ hasText: 'Read this first' });
		await anaNote.waitFor();
		const ownerName = (await anaNote.locator('.byline').first().textContent())!.match(/Member [0-9a-f]{4}/)![0];

		// Ana replies, mentioning the owner by completing "@Mem" from the keyboard.
		await anaNote.getByRole('button', { name: 'Reply to this note' }).click();
		const field = ana.getByLabel('Reply to this note');
		await field.pressSequentially('I agree, @Mem');
		const options = ana.getByRole('listbox', { name: 'Members to mention' }).getByRole('option');
		await options.first().waitFor();
		expect(await options.allTextContents()).toEqual([ownerName]);
		expect(await field.getAttribute('aria-expanded')).toBe('true');
		await field.press('Enter');
		await ana.getByRole('listbox', { name: 'Members to mention' }).waitFor({ state: 'detached' });
		expect(await field.inputValue()).toMatch(/^I agree, @\[Member [0-9a-f]{4}\]\(member:[0-9a-f]+\) $/);
		await field.pressSequentially('what do you think?');
		await ana.getByRole('button', { name: 'Post reply' }).click();

		// The owner sees it without reloading, the mention shown as the owner's name; and answers.
		const ownerNote = owner.locator('[data-note]').filter({ hasText: 'Read this first' });
		const anaReply = ownerNote.locator('[data-reply]').filter({ hasText: 'what do you think?' });
		await anaReply.waitFor({ timeout: 15_000 });
		expect(await anaReply.locator('.mention').first().textContent()).toBe(`@${ownerName}`);
		expect(await anaReply.textContent()).toContain('— Ana');
		await ownerNote.getByText('1 reply', { exact: true }).waitFor();
		await anaReply.getByRole('button', { name: 'Reply to Ana' }).click();
		await owner.getByLabel('Reply to Ana').fill('Thanks Ana, agreed.');
		await owner.getByRole('button', { name: 'Post reply' }).click();

		// Ana sees the answer live, nested under her reply.
		const answer = anaNote.locator('[data-reply] [data-reply]').filter({ hasText: 'Thanks Ana, agreed.' });
		await answer.waitFor({ timeout: 15_000 });
		await anaNote.getByText('2 replies', { exact: true }).waitFor();

		// The group page counts them on the item's row.
		await owner.goto(`${members.relay.url}${base}`);
		await owner.locator('article.item').filter({ hasText: 'Rémunérer les amateurs' }).getByRole('link', { name: '2 replies' }).waitFor();
		// Ana mentioned the owner: "Mentions of me" keeps the item, in the address like the other filters.
		await owner.getByRole('link', { name: 'Mentions of me' }).click();
		await owner.waitForURL(/\?mentions=me$/);
		await owner.getByRole('heading', { name: 'Group items mentioning you' }).waitFor();
		await owner.locator('article.item').filter({ hasText: 'Rémunérer les amateurs' }).waitFor();
		await ana.goto(`${members.relay.url}${base}?mentions=me`);
		await ana.getByText('No items match.').waitFor();
		await ana.goto(`${members.relay.url}${itemPath}`);
		await anaNote.waitFor();

		// Ana flags the owner's note; the owner finds it in the Flagged view and hides it.
		await anaNote.getByRole('button', { name: 'Flag this note' }).click();
		await ana.getByLabel(/Why flag this note\?/).fill('Off topic');
		await ana.getByRole('button', { name: 'Send flag' }).click();
		await anaNote.getByText('You flagged this note').waitFor();
		await owner.getByRole('link', { name: 'Flagged (1)' }).click({ timeout: 15_000 });
		await owner.waitForURL(/\/flagged$/);
		const entry = owner.locator('.entries > li').filter({ hasText: 'Read this first' });
		await entry.getByText('“Off topic”').waitFor();
		await entry.getByRole('button', { name: /^Hide/ }).click();
		await entry.getByText(/Hidden by Member [0-9a-f]{4}/).waitFor();

		// Ana sees "Hidden by an owner" in place of the note, live; the owner sees it greyed.
		const hiddenNote = ana.locator('[data-note]').filter({ hasText: 'Hidden by an owner' });
		await hiddenNote.waitFor({ timeout: 15_000 });
		expect(await hiddenNote.textContent()).not.toContain('Read this first');
		// The discussion under the hidden note goes with it for Ana, her own reply too.
		await ana.locator('[data-reply]').first().waitFor({ state: 'detached', timeout: 15_000 });
		const anaPage = (await ana.locator('main').textContent()) ?? '';
		expect(anaPage).not.toContain('Thanks Ana, agreed.');
		expect(anaPage).not.toContain('what do you think?');
		await owner.goto(`${members.relay.url}${itemPath}`);
		const greyed = owner.locator('[data-note]').filter({ hasText: 'Hidden by an owner' });
		await greyed.waitFor();
		expect(await greyed.locator('.greyed').textContent()).toContain('Read this first');
		// The owner still reads the discussion under it.
		await greyed.locator('[data-reply] [data-reply]').filter({ hasText: 'Thanks Ana, agreed.' }).waitFor();

		// On the group page's row, the owner sees the note greyed and Ana sees only that it was hidden.
		await owner.goto(`${members.relay.url}${base}`);
		const ownerRow = owner.locator('article.item').filter({ hasText: 'Rémunérer les amateurs' });
		await ownerRow.locator('[data-note]').filter({ hasText: 'Hidden by an owner' }).locator('.greyed', { hasText: 'Read this first' }).waitFor();
		await ana.goto(`${members.relay.url}${base}`);
		const anaRow = ana.locator('article.item').filter({ hasText: 'Rémunérer les amateurs' });
		const rowNote = anaRow.locator('[data-note]').filter({ hasText: 'Hidden by an owner' });
		await rowNote.waitFor();
		expect(await anaRow.textContent()).not.toContain('Read this first');
		expect(await anaRow.textContent()).not.toContain('replies');

		// Searching for a word only in the hidden note finds nothing for Ana, and the item for the owner.
		await ana.getByLabel('Search this group').fill('first');
		await ana.getByRole('button', { name: 'Search' }).click();
		await ana.waitForURL(/\?q=first$/);
		await ana.getByText('No items match.').waitFor();
		expect(await ana.locator('main').textContent()).not.toContain('Read this first');
		await owner.goto(`${members.relay.url}${base}?q=first`);
		await owner.locator('article.item').filter({ hasText: 'Rémunérer les amateurs' }).waitFor();
		expect(pageErrors).toEqual([]);
	});
});
