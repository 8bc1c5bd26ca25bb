// The update log contract (the same cases the in-memory twin passes) against real IndexedDB in
// Chromium: the adapter is bundled as it ships and run inside a page of a plain http origin.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { updateLogContract } from '../../src/lib/storage/update-log.contract';

const ORIGIN = 'http://commonplace.test';
const root = fileURLToPath(new URL('../..', import.meta.url));

async function bundleContract(): Promise<string> {
	const result = await build({
		configFile: false,
		logLevel: 'warn',
		root,
		resolve: { alias: { $lib: `${root}src/lib` } },
		build: {
			write: false,
			minify: false,
			lib: { entry: `${root}src/lib/storage/update-log.browser.ts`, formats: ['es'], fileName: 'contract' }
		}
	});
	const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
	const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
	if (!chunk || chunk.type !== 'chunk') throw new Error('The contract bundle has no code.');
	return chunk.code;
}

describe('update log contract: IndexedDB in Chromium', () => {
	let browser: Browser;
	let code: string;

	beforeAll(async () => {
		[browser, code] = await Promise.all([launchBrowser(), bundleContract()]);
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('passes every case of the contract', async () => {
		const context = await browser.newContext();
		await context.route(`${ORIGIN}/**`, (route) => {
			const path = new URL(route.request().url()).pathname;
			return path === '/contract.js'
				? route.fulfill({ contentType: 'text/javascript', body: code })
				: route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>contract</title>' });
		});
		const page = await context.newPage();
		await page.goto(`${ORIGIN}/`);
		// A string, so the test runner does not rewrite the browser's dynamic import.
		const result = (await page.evaluate(`import('/contract.js').then((m) => m.runIdbUpdateLogContract())`)) as {
			passed: string[];
			failed: string[];
		};
		await context.close();
		expect(result.failed).toEqual([]);
		expect(result.passed).toEqual(updateLogContract.map((c) => c.name));
	});
});
