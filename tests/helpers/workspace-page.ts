// Small steps every browser test of the workspace takes: create a group from the home page, read
// the group id from the address, watch the sync status, collect CSP violations.
import type { Page } from 'playwright-core';

/** The group id in the page's address. */
export function groupIdOf(page: Page): string {
	const match = /\/g\/([^/?#]+)/.exec(new URL(page.url()).pathname);
	if (!match) throw new Error(`Not on a group page: ${page.url()}`);
	return match[1];
}

/** Creates a group from the home page at `origin` and waits for its (empty) page. */
export async function createGroupFromHome(page: Page, origin: string, name: string): Promise<string> {
	await page.goto(`${origin}/`);
	await page.getByLabel('Group name').fill(name);
	await page.getByRole('button', { name: 'Create group' }).click();
	await page.waitForURL(/\/g\/[^/]+$/);
	await page.getByRole('heading', { name: 'Group items', exact: true }).waitFor();
	return groupIdOf(page);
}

/** Waits for the status bar to say `text`. */
export async function statusSays(page: Page, text: RegExp, timeout = 20_000): Promise<void> {
	await page.locator('.sync-status .label', { hasText: text }).waitFor({ timeout });
}

/**
 * Records every Content Security Policy violation of the page's documents (the event, and
 * Chromium's console report); read them with `violations()`.
 */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
	const fromConsole: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) fromConsole.push(message.text());
	});
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { cspViolations: string[] }).cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (event) => {
			seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
		});
	});
	return async () => {
		const inPage = await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
		return [...inPage, ...fromConsole];
	};
}

/** A tab of the group's navigation (Items, Recent changes, Settings, …). */
export function groupTab(page: Page, name: string) {
	return page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name, exact: true });
}
