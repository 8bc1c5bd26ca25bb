// Keeps the served app current: builds it when the static folder has none, or when the app's
// sources changed since it was built.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

function newestChange(path: string): number {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
	return newest;
}

/** Why the app in `staticDir` needs building, or null when it is current. */
export function buildReason(projectRoot: string, staticDir: string): string | null {
	const index = join(staticDir, 'index.html');
	if (!existsSync(index)) return 'no build yet';
	const built = statSync(index).mtimeMs;
	const changed = Math.max(...SOURCES.map((source) => newestChange(join(projectRoot, source))));
	return changed > built ? 'sources changed since the last build' : null;
}

export function buildApp(projectRoot: string, staticDir: string): void {
	// svelte.config.js reads BUILD_DIR. The build's own output goes to stderr, so stdout stays JSON lines.
	execSync('npx vite build --logLevel warn', {
		cwd: projectRoot,
		stdio: ['ignore', 2, 2],
		env: { ...process.env, BUILD_DIR: resolve(staticDir) }
	});
}
