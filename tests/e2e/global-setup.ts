// Builds the app into a folder of this run before the browser tests, so they test the current code
// and parallel runs never overwrite each other's build. Tests read the folder with inject('buildDir').
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
	const work = mkdtempSync(join(tmpdir(), 'commonplace-e2e-build-'));
	const buildDir = join(work, 'build');
	execSync('npx vite build --logLevel warn', {
		stdio: 'inherit',
		env: { ...process.env, BUILD_DIR: buildDir, KIT_OUT_DIR: join(work, 'kit') }
	});
	project.provide('buildDir', buildDir);
	return () => rmSync(work, { recursive: true, force: true });
}
