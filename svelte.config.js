import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// BUILD_DIR and KIT_OUT_DIR let test runs build into folders of their own.
const pages = process.env.BUILD_DIR ?? 'build';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages, assets: pages, fallback: 'index.html', strict: false }),
		outDir: process.env.KIT_OUT_DIR ?? '.svelte-kit',
		serviceWorker: { register: false }
	}
};

export default config;
