// Builds the app into a folder of its own (inside node_modules, so kit's generated files still
// resolve the project's packages), for the browser tests and the browser benchmark: parallel runs
// never overwrite each other's build or the developer's own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface AppBuild {
	buildDir: string;
	remove(): void;
}

export function buildAppInto(prefix: string, logLevel: 'warn' | 'error', { minify = true } = {}): AppBuild {
	// tsconfig.json extends the default kit folder, which a fresh clone does not have yet.
	if (!existsSync(join(ROOT, '.svelte-kit', 'tsconfig.json'))) {
		execFileSync('npx', ['svelte-kit', 'sync'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	}
	const cache = join(ROOT, 'node_modules', '.cache');
	mkdirSync(cache, { recursive: true });
	const work = mkdtempSync(join(cache, prefix));
	const remove = () => rmSync(work, { recursive: true, force: true });
	const buildDir = join(work, 'build');
	try {
		execFileSync('npx', ['vite', 'build', '--logLevel', logLevel], {
			cwd: ROOT,
			stdio: ['ignore', logLevel === 'warn' ? 'inherit' : 'pipe', 'pipe'],
			env: { ...process.env, BUILD_DIR: buildDir, KIT_OUT_DIR: join(work, 'kit'), ...(minify ? {} : { COMMONPLACE_UNMINIFIED: '1' }) }
		});
	} catch (error) {
		remove();
		const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
		const firstError = stderr.split('\n').find((line) => /error|not found|failed/i.test(line));
		throw new Error(`the app did not build: ${firstError ?? stderr.split('\n').slice(-3).join(' ')}`);
	}
	return { buildDir, remove };
}
