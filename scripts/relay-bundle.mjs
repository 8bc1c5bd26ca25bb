// The relay's compiled form: server/*.ts bundled by esbuild into dist/relay/, so `npm start` runs
// plain JavaScript under node (no TypeScript loader in the process). Dependencies stay in node_modules.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bundleDir = join(projectRoot, 'dist', 'relay');
/** Entry points, by output name; workers are loaded by file name, so each is its own entry. */
const ENTRIES = {
	main: 'server/main.ts',
	'store-worker': 'server/persistence/store-worker.ts',
	'history-worker': 'server/history/history-worker.ts',
	'export-worker': 'server/exports/export-worker.ts',
	// The cluster's synchronous PostgreSQL queries (server/cluster/sync-sql.ts) run on this thread.
	'sync-sql-worker': 'server/cluster/sync-sql-worker.mjs',
	'demo-sample': 'src/lib/demo/sample.ts'
};
const INPUTS_FILE = join(bundleDir, 'inputs.json');
/** Changes to these rebuild the bundle too: the build itself and the installed dependencies. */
const ALWAYS_INPUTS = ['scripts/relay-bundle.mjs', 'package-lock.json', 'tsconfig.server.json'];

function mtime(path) {
	try {
		return statSync(join(projectRoot, path)).mtimeMs;
	} catch {
		return Infinity;
	}
}

/** Why the bundle needs building, or null when it is current with every file it was built from. */
export function bundleReason() {
	const outputs = Object.keys(ENTRIES).map((name) => join(bundleDir, `${name}.mjs`));
	if (!existsSync(INPUTS_FILE) || !outputs.every((file) => existsSync(file))) return 'no build yet';
	let inputs;
	try {
		inputs = JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
	} catch {
		return 'no build yet';
	}
	const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
	const changed = [...inputs, ...ALWAYS_INPUTS, ...Object.values(ENTRIES)].some((input) => mtime(input) > built);
	return changed ? 'sources changed since the last build' : null;
}

/** esbuild's options for the bundle, written to `outdir`. */
export function bundleOptions(outdir) {
	return {
		absWorkingDir: projectRoot,
		entryPoints: ENTRIES,
		outdir,
		outExtension: { '.js': '.mjs' },
		bundle: true,
		platform: 'node',
		format: 'esm',
		// Parts loaded with import() (the cluster, feeds, page details, exports) go in chunks of their
		// own, loaded on first use: a relay that never uses them never holds them in memory.
		splitting: true,
		// Beside the entries: code that finds a worker or the sample by its file name next to itself
		// (`new URL('./store-worker.mjs', import.meta.url)`) may end up in a chunk.
		chunkNames: '[name]-[hash]',
		target: 'node20',
		packages: 'external',
		sourcemap: 'linked',
		metafile: true,
		logLevel: 'warning',
		tsconfig: 'tsconfig.server.json',
		// The sample group is app code, written with SvelteKit's alias.
		alias: { $lib: './src/lib' }
	};
}

/** Builds the bundle; several processes may build at once, each file is replaced atomically. */
export async function buildBundle() {
	const { build } = await import('esbuild');
	const staging = join(projectRoot, 'dist', `.relay-${process.pid}-${Date.now()}`);
	try {
		const result = await build(bundleOptions(staging));
		const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules'));
		writeFileSync(join(staging, 'inputs.json'), JSON.stringify(inputs));
		mkdirSync(bundleDir, { recursive: true });
		// Chunks first (named by their content, so a build of the same sources writes the same ones),
		// then the entries; the inputs list goes last: a bundle is only taken as current once all of it is in place.
		const files = Object.keys(ENTRIES).flatMap((name) => [`${name}.mjs`, `${name}.mjs.map`]);
		const chunks = readdirSync(staging).filter((file) => !files.includes(file) && file !== 'inputs.json');
		for (const file of chunks) renameSync(join(staging, file), join(bundleDir, file));
		for (const file of [...files, 'inputs.json']) renameSync(join(staging, file), join(bundleDir, file));
	} finally {
		rmSync(staging, { recursive: true, force: true });
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	await buildBundle();
}
