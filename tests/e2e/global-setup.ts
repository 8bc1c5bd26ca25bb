// Builds the app into a folder of this run before the browser tests, so they test the current code
// and parallel runs never overwrite each other's build. Tests read the folder with inject('buildDir').
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildAppInto } from '../helpers/app-build';

declare module 'vitest' {
	export interface ProvidedContext {
		buildDir: string;
	}
}

export default function setup(project: TestProject): () => void {
	if (!existsSync('/usr/bin/chromium')) {
		throw new Error('Chromium is missing: install it with `apt-get install -y chromium` (browser tests never skip).');
	}
	const app = buildAppInto('commonplace-e2e-', 'warn');
	project.provide('buildDir', app.buildDir);
	return app.remove;
}
