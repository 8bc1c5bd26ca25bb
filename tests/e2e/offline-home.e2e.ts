// The app opens with no network from its home page too: visiting it once is enough for the service
// worker to keep the app, before any group was ever opened in this browser.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startTestRelay, type TestRelay } from '../helpers/relay';

let relay: TestRelay | null = null;
let browser: Browser;

beforeAll(async () => {
	relay = await startTestRelay({ staticDir: inject('buildDir') });
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await relay?.stop();
});

describe('a first visit to the home page', () => {
	it('is enough for the app to open later with the relay unreachable', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		const origin = relay!.url;
		await page.goto(`${origin}/`);
		await page.getByRole('button', { name: 'Create group' }).waitFor();
		const ready = await page.evaluate(() =>
			Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))])
		);
		expect(ready).toBe(true);

		// Nothing answers any more: the relay is gone and every request the browser makes fails.
		await relay!.stop();
		relay = null;
		await context.setOffline(true);
		const cold = await context.newPage();
		await cold.goto(`${origin}/`);
		await cold.getByRole('button', { name: 'Create group' }).waitFor({ timeout: 15_000 });
		await cold.goto(`${origin}/g/never-opened-here`);
		await cold.locator('body').filter({ hasText: /not in this browser|join|invite/i }).waitFor({ timeout: 15_000 });
		await context.close();
	});
});
