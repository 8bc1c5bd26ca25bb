// Builds the browser extension into extension/dist (load it unpacked from there): bundles the
// background service worker, the content script and the side panel with esbuild, sharing the app's
// model, storage and sync code, and copies the manifest and static files.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = process.env.EXTENSION_OUT_DIR ?? join(here, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
	bundle: true,
	minify: false,
	sourcemap: false,
	target: ['chrome116', 'firefox140'],
	logLevel: 'warning',
	legalComments: 'none',
	alias: {
		$lib: join(root, 'src/lib'),
		'$app/environment': join(here, 'src/shims/app-environment.ts')
	},
	define: { 'import.meta.env.DEV': 'false' }
};

await Promise.all([
	// The service worker and the panel are modules; the content script is a classic script.
	build({ ...common, entryPoints: { background: join(here, 'src/background/main.ts') }, outdir: out, format: 'esm' }),
	build({ ...common, entryPoints: { panel: join(here, 'src/panel/main.ts') }, outdir: out, format: 'esm' }),
	build({ ...common, entryPoints: { content: join(here, 'src/content/main.ts') }, outdir: out, format: 'iife' }),
	build({ ...common, entryPoints: { 'invite-offer': join(here, 'src/content/invite-offer.ts') }, outdir: out, format: 'iife' })
]);
cpSync(join(here, 'manifest.json'), join(out, 'manifest.json'));
cpSync(join(here, 'static'), out, { recursive: true });
console.log(`extension built in ${out}`);
