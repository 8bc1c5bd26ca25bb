import { launchBrowser } from '../tests/helpers/browser';
import { startTestRelay } from '../tests/helpers/relay';
const relay = await startTestRelay({ staticDir: process.argv[2] });
const browser = await launchBrowser();
const page = await (await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage();
page.on('console', (m) => console.log('console:', m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
try {
	await page.goto(`${relay.url}/`);
	await page.getByLabel('Group name').fill('Dbg');
	await page.getByRole('button', { name: 'Create group' }).click();
	await page.waitForURL(/\/g\/[^/]+$/);
	const groupId = /\/g\/([^/?#]+)/.exec(new URL(page.url()).pathname)![1];
	await page.goto(`${relay.url}/g/${groupId}/exchange`);
	await page.getByRole('heading', { name: 'Import and export' }).waitFor();
	const lines = ['<DL><p>'];
	for (let i = 0; i < 20000; i++) lines.push(`<DT><A HREF="https://big.example.org/page/${i}" TAGS="big">Big page ${i}</A>`);
	await page.locator('input[type="file"]').setInputFiles({ name: 'big.html', mimeType: 'text/html', buffer: Buffer.from(lines.join('\n')) });
	await page.getByRole('button', { name: 'Import 20,000 items' }).click({ timeout: 60000 });
	const t0 = Date.now();
	for (let i = 0; i < 30; i++) {
		const s = await page.evaluate(() => ({ v: (document.querySelector('progress[max]') as HTMLProgressElement | null)?.value, a: document.activeElement?.textContent?.trim(), st: document.querySelector('[role=status]')?.textContent }));
		console.log(Date.now() - t0, JSON.stringify(s));
		if (i === 3) { await page.keyboard.press('Enter'); console.log('pressed', Date.now() - t0); }
		if (s.st) break;
		await page.waitForTimeout(300);
	}
} finally {
	await browser.close();
	await relay.stop();
}
