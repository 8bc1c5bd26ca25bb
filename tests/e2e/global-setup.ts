// Builds the app once before the browser tests, so they always run against the current code.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
	if (!existsSync('/usr/bin/chromium')) {
		throw new Error('Chromium is missing: install it with `apt-get install -y chromium` (browser tests never skip).');
	}
	if (process.env.COMMONPLACE_SKIP_BUILD === '1' && existsSync(join(process.cwd(), 'build', 'index.html'))) return;
	execSync('npx vite build', { stdio: 'inherit' });
}
