// Small steps every browser test of the workspace takes: create a group from the home page, read
// the group id from the address, watch the sync status, wait for the service worker, collect CSP
// violations.
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

/** Waits until the service worker controls the page, so the app shell and assets are cached. */
export async function serviceWorkerReady(page: Page): Promise<void> {
	// Polled from here: the app's CSP forbids the eval that page.waitForFunction relies on.
	const deadline = Date.now() + 20_000;
	let reloaded = false;
	while (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
		// A page whose navigation began while the worker was activating is not claimed; browsers hand
		// it to the worker at its next load, as they would for a member.
		const active = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated');
		if (active && !reloaded) {
			reloaded = true;
			await page.reload();
			await statusSays(page, /^Up to date$/);
			continue;
		}
		if (Date.now() > deadline) {
			const state = await page.evaluate(async () => {
				const reg = await navigator.serviceWorker.getRegistration();
				return JSON.stringify({ url: location.href, reg: !!reg, active: reg?.active?.state, installing: reg?.installing?.state });
			});
			throw new Error(`The service worker never took control of the page: ${state}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
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
