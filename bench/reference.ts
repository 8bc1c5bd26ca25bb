// Installs the reference server, `@y/websocket-server` 0.1.1 (the last release on yjs 13), into
// bench/.reference/ — a folder of its own, never a dependency of the project.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REFERENCE = { server: '@y/websocket-server@0.1.1', yjs: 'yjs@13.6.33' } as const;

const PREFIX = join(import.meta.dirname, '.reference');
const PACKAGE = join(PREFIX, 'node_modules', '@y', 'websocket-server');

function installedVersion(dir: string): string | null {
	try {
		return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
	} catch {
		return null;
	}
}

/** Installs the reference server unless the pinned versions are already there. */
export function ensureReference(): { server: string; yjs: string; ws: string } {
	const want = (spec: string) => spec.slice(spec.lastIndexOf('@') + 1);
	if (installedVersion(PACKAGE) !== want(REFERENCE.server) || installedVersion(join(PREFIX, 'node_modules', 'yjs')) !== want(REFERENCE.yjs)) {
		mkdirSync(PREFIX, { recursive: true });
		console.log(`Installing the reference server (${REFERENCE.server} with ${REFERENCE.yjs}) into bench/.reference/ ...`);
		// Its optional dependencies are what its server script imports (ws 6, y-leveldb), so keep them.
		execFileSync('npm', ['install', '--prefix', PREFIX, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', REFERENCE.server, REFERENCE.yjs], {
			stdio: 'inherit'
		});
	}
	return {
		server: installedVersion(PACKAGE) ?? '?',
		yjs: installedVersion(join(PREFIX, 'node_modules', 'yjs')) ?? '?',
		ws: installedVersion(join(PREFIX, 'node_modules', 'ws')) ?? '?'
	};
}

/** The server script the package's `bin` names. */
export function referenceServerScript(): string {
	const bin = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')).bin;
	const script = join(PACKAGE, typeof bin === 'string' ? bin : bin['y-websocket-server']);
	if (!existsSync(script)) throw new Error(`The reference server script is missing at ${script}; delete bench/.reference/ and run again.`);
	return script;
}
