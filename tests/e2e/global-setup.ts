// Builds the app into a folder of this run before the browser tests, so they test the current code
// and parallel runs never overwrite each other's build. Tests read the folder with inject('buildDir').
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		buildDir: string;
	}
}

export default function setup(project: TestProject): () => void {
	if (!existsSync('/usr/bin/chromium')) {
		throw new Error('Chromium is missing: install it with `apt-get install -y chromium` (browser tests never skip).');
	}
	// Inside node_modules so the generated kit files still resolve the project's packages.
	const cache = join(process.cwd(), 'node_modules', '.cache');
	mkdirSync(cache, { recursive: true });
	const work = mkdtempSync(join(cache, 'commonplace-e2e-'));
	const buildDir = join(work, 'build');
	execSync('npx vite build --logLevel warn', {
		stdio: 'inherit',
		env: { ...process.env, BUILD_DIR: buildDir, KIT_OUT_DIR: join(work, 'kit') }
	});
	project.provide('buildDir', buildDir);
	return () => rmSync(work, { recursive: true, force: true });
}
