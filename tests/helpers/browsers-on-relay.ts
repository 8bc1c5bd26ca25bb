// One relay and one Chromium shared by a browser test file, each member in a browser context of
// their own (their own storage, as on their own machine); all of it stopped after the file.
import { afterAll, beforeAll, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startTestRelay, type TestRelay } from './relay';

export interface BrowsersOnRelay {
	/** The relay, serving the built app; set once the file's tests start. */
	readonly relay: TestRelay;
	/** Errors thrown by any member's page, to assert there were none. */
	readonly pageErrors: string[];
	/** A new member: a browser context of their own with one page. */
	person(width?: number): Promise<Page>;
}

export function browsersOnRelay(): BrowsersOnRelay {
	let relay: TestRelay | undefined;
	let browser: Browser | undefined;
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

	return {
		get relay() {
			if (!relay) throw new Error('The relay starts with the first test.');
			return relay;
		},
		pageErrors,
		async person(width = 1280) {
			if (!browser) throw new Error('The browser starts with the first test.');
			const context = await browser.newContext({ viewport: { width, height: 900 } });
			contexts.push(context);
			const page = await context.newPage();
			page.on('pageerror', (error) => pageErrors.push(error.message));
			return page;
		}
	};
}
