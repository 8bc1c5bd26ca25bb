// `npm start`: runs the relay from its bundle (dist/relay/main.mjs), building the bundle first
// when it is missing or older than its sources. The relay runs in this process, so signals reach
// it; the build runs in a child, so the bundler never takes memory in the relay.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleDir, bundleReason } from './relay-bundle.mjs';

const reason = bundleReason();
if (reason) {
	process.stderr.write(`Building the relay (${reason}) ...\n`);
	execFileSync(process.execPath, [fileURLToPath(new URL('./relay-bundle.mjs', import.meta.url))], { stdio: ['ignore', 2, 2] });
}
await import(pathToFileURL(join(bundleDir, 'main.mjs')).href);
