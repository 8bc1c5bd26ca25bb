// Live co-editing of one note by two members in real Chromium through a real relay: the collabText
// action as it ships, bound to a plain textarea on the relay's origin, both typing at once.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { build, type Plugin, type Rolldown } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { newToken, startTestRelay, type TestRelay } from '../helpers/relay';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The page's script: the real session, model and action, exposed for the test to drive.
const ENTRY = `
import * as model from '$lib/model';
import { openGroupSession } from '$lib/sync/session';
import { collabText } from '$lib/sync/collab-text';
window.commonplace = { model, openGroupSession, collabText };
`;

/** Bundles ENTRY; kit's `$app` modules are stood in for, and the service worker is left out. */
async function bundlePage(): Promise<string> {
	const virtual: Plugin = {
		name: 'coediting-page',
		enforce: 'pre',
		resolveId(id) {
			if (id.endsWith('virtual:coediting')) return '\0coediting';
			if (id === '$app/environment') return '\0app-environment';
			if (id.endsWith('/register-sw') || id === './register-sw') return '\0no-service-worker';
			return null;
		},
		load(id) {
			if (id === '\0coediting') return ENTRY;
			if (id === '\0app-environment') return 'export const dev = false; export const browser = true; export const building = false; export const version = "test";';
			if (id === '\0no-service-worker') return 'export function registerServiceWorker() { return Promise.resolve(null); }';
			return null;
		}
	};
	const result = await build({
		configFile: false,
		logLevel: 'warn',
		root,
		plugins: [virtual],
		resolve: { alias: { $lib: `${root}src/lib` } },
		build: { write: false, minify: false, lib: { entry: 'virtual:coediting', formats: ['es'], fileName: 'coediting' } }
	});
	const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
	const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
	if (!chunk || chunk.type !== 'chunk') throw new Error('The co-editing page bundle has no code.');
	return chunk.code;
}

describe('live co-editing of a note', () => {
	let browser: Browser;
	let relay: TestRelay;
	let code: string;

	beforeAll(async () => {
		[browser, relay, code] = await Promise.all([launchBrowser(), startTestRelay({ staticDir: inject('buildDir') }), bundlePage()]);
	});
	afterAll(async () => {
		await browser?.close();
		await relay?.stop();
	});

	// The page is the relay's own (a loopback origin, so Chromium lets it reach the relay); the test
	// script is added as a same-origin file, which the relay's CSP allows.
	async function openPage(): Promise<Page> {
		const context = await browser.newContext();
		await context.route(`${relay.url}/__coediting.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: code }));
		const page = await context.newPage();
		await page.goto(`${relay.url}/`);
		await page.evaluate(() => {
			const note = document.createElement('textarea');
			note.id = 'note';
			note.rows = 6;
			document.body.prepend(note);
		});
		await page.addScriptTag({ url: '/__coediting.js', type: 'module' });
		await page.locator('#note').waitFor();
		return page;
	}

	it('merges two members typing in the same note at the same time, every character kept, carets shown', async () => {
		const groupId = newToken().slice(0, 22);
		const token = newToken();
		const [ana, ben] = await Promise.all([openPage(), openPage()]);
		const options = { groupId, token, relayUrl: relay.wsUrl };

		// Ana creates the group with a note, then binds the note to her textarea.
		const noteId = await ana.evaluate(async (o) => {
			const { model, openGroupSession, collabText } = (window as any).commonplace;
			const session = openGroupSession({ ...o, create: true, profile: { memberId: 'ana', name: 'Ana', color: '#c0392b' } });
			(window as any).session = session;
			await session.loaded;
			const actor = { memberId: 'ana' };
			model.createGroup(session.doc, actor, { name: 'Co-editing', member: { name: 'Ana', color: '#c0392b' } });
			const { itemId } = model.addItem(session.doc, actor, { url: 'https://example.org/shared', title: 'Shared' });
			const id = model.addNote(session.doc, actor, itemId, { text: 'Notes: ' });
			const write = (target: { id: string }, value: string) => model.editNote(session.doc, actor, target.id, value);
			collabText(document.querySelector('#note'), { session, target: { kind: 'note', id }, write });
			// Ben may only join once the relay has registered the group Ana made.
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`Ana never synced: ${JSON.stringify(session.status)}`)), 15_000);
				session.subscribe((status: { kind: string }) => {
					if (status.kind !== 'synced') return;
					clearTimeout(timer);
					resolve();
				});
			});
			return id as string;
		}, options);

		await ben.evaluate(
			async ({ o, noteId }) => {
				const { model, openGroupSession, collabText } = (window as any).commonplace;
				const session = openGroupSession({ ...o, profile: { memberId: 'ben', name: 'Ben', color: '#2471a3' } });
				(window as any).session = session;
				await session.loaded;
				// The note arrives from the relay.
				await new Promise<void>((resolve, reject) => {
					setTimeout(() => reject(new Error(`The note never reached Ben: ${JSON.stringify(session.status)}`)), 15_000);
					const ready = () => {
						try {
							model.noteText(session.doc, noteId);
							return true;
						} catch {
							return false;
						}
					};
					if (ready()) return resolve();
					const onUpdate = () => {
						if (!ready()) return;
						session.doc.off('update', onUpdate);
						resolve();
					};
					session.doc.on('update', onUpdate);
				});
				const write = (target: { id: string }, value: string) => model.editNote(session.doc, { memberId: 'ben' }, target.id, value);
				collabText(document.querySelector('#note'), { session, target: { kind: 'note', id: noteId }, write });
			},
			{ o: options, noteId }
		);
		await expect.poll(() => ben.locator('#note').inputValue(), { timeout: 10_000 }).toBe('Notes: ');

		for (const page of [ana, ben]) {
			await page.locator('#note').click();
			await page.keyboard.press('End');
		}
		// Each sees the other's caret listed in their colour while both are in the note.
		await ben.locator('.remote-carets li[data-member-id="ana"]').waitFor({ timeout: 10_000 });
		await ana.locator('.remote-carets li[data-member-id="ben"]').waitFor({ timeout: 10_000 });

		const anaTyped = 'ana types quickly';
		const benTyped = 'BEN TYPES AS WELL';
		await Promise.all([ana.keyboard.type(anaTyped, { delay: 15 }), ben.keyboard.type(benTyped, { delay: 15 })]);

		await expect.poll(async () => (await ana.locator('#note').inputValue()) === (await ben.locator('#note').inputValue()), { timeout: 10_000 }).toBe(true);
		const merged = await ana.locator('#note').inputValue();
		expect(merged.startsWith('Notes: ')).toBe(true);
		expect(merged.length).toBe('Notes: '.length + anaTyped.length + benTyped.length);
		// The caret stayed put as the other's text arrived, so each member's words stay together.
		expect(merged).toContain(anaTyped);
		expect(merged).toContain(benTyped);

		// Presence says who is typing in which note; leaving the field clears it.
		const typing = await ben.evaluate(() => {
			const session = (window as any).session;
			return [...session.awareness.getStates().values()].map((s: any) => s.member?.typing).filter(Boolean);
		});
		expect(typing).toContain(noteId);
		await ana.locator('#note').blur();
		await ben.locator('.remote-carets li[data-member-id="ana"]').waitFor({ state: 'detached', timeout: 10_000 });
	});
});
