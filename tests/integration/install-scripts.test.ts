// `npm install` on a fresh clone: npm 11 skips (and warns about) the install scripts of packages
// that package.json's `allowScripts` does not cover, which would leave better-sqlite3 unbuilt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const projectRoot = join(import.meta.dirname, '..', '..');
const readJson = (name: string) => JSON.parse(readFileSync(join(projectRoot, name), 'utf8'));

describe('npm install', () => {
	it('is allowed to run the install script of every locked package that has one, and no other', () => {
		const lock = readJson('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean; version?: string }> };
		const withScripts = Object.entries(lock.packages)
			.filter(([path, entry]) => path && entry.hasInstallScript)
			.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
			.sort();
		expect(withScripts).toContain('better-sqlite3');
		const allowed = (readJson('package.json') as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
		const covered = Object.keys(allowed).map((spec) => spec.replace(/(.)@.*$/, '$1'));
		expect(covered.sort()).toEqual([...new Set(withScripts)]);
		expect(Object.values(allowed).every((allow) => allow === true)).toBe(true);
	});
});
