// Driving the app's own pages in browser tests: where a page is, and making a group from the home page.
import type { Page } from 'playwright-core';

/** The group id in a page's address. */
export function groupIdOf(page: Page): string {
	const match = /\/g\/([^/?#]+)/.exec(new URL(page.url()).pathname);
	if (!match) throw new Error(`Not on a group page: ${page.url()}`);
	return match[1];
}

/** Creates a group from the home page and waits for its empty listing; returns its id. */
export async function createGroupFromHome(page: Page, origin: string, name: string): Promise<string> {
	await page.goto(`${origin}/`);
	await page.getByLabel('Group name').fill(name);
	await page.getByRole('button', { name: 'Create group' }).click();
	await page.waitForURL(/\/g\/[^/]+$/);
	await page.getByRole('heading', { name: 'Group items', exact: true }).waitFor();
	return groupIdOf(page);
}
