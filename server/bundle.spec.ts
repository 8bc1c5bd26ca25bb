// The relay's bundle starts with what every relay needs: the parts few relays use (the cluster's
// drivers, feeds, page details, exports and their parsers) are loaded on first use, since each
// costs memory from the start (see BENCHMARKS.md, "RSS at start").
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript, no declarations
import { bundleOptions } from '../scripts/relay-bundle.mjs';

/** Packages the relay's entry imports before it runs: statically, through every chunk it imports so. */
function packagesAtStart(metafile: Metafile, entry: string): Set<string> {
	const packages = new Set<string>();
	const seen = new Set<string>();
	const visit = (file: string): void => {
		if (seen.has(file)) return;
		seen.add(file);
		for (const imported of metafile.outputs[file]?.imports ?? []) {
			if (imported.kind !== 'import-statement') continue;
			if (imported.external) packages.add(imported.path);
			else visit(imported.path);
		}
	};
	visit(entry);
	return packages;
}

describe('the relay bundle', () => {
	it('loads the cluster, feeds, page details and exports only when they are used', async () => {
		const { metafile } = await build({ ...bundleOptions('dist/.relay-spec'), write: false, sourcemap: false, metafile: true, logLevel: 'silent' });
		if (!metafile) throw new Error('esbuild gave no metafile');
		const entry = Object.keys(metafile.outputs).find((file) => file.endsWith('/main.mjs'))!;
		const atStart = packagesAtStart(metafile, entry);
		// What a relay needs to serve groups at all.
		for (const needed of ['yjs', 'ws', 'better-sqlite3']) expect(atStart).toContain(needed);
		for (const later of ['ioredis', 'pg', 'papaparse', 'htmlparser2']) expect(atStart).not.toContain(later);
	}, 60_000);
});
