// Entry point: builds the app when missing, then serves it. The relay grows here.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, extname, normalize } from 'node:path';
import { execSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const buildDir = join(root, 'build');
if (!existsSync(join(buildDir, 'index.html'))) execSync('npx vite build', { cwd: root, stdio: 'inherit' });

const types: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.json': 'application/json'
};

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const server = createServer((req, res) => {
	const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
	if (path === '/healthz') {
		res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
		return;
	}
	let file = join(buildDir, path);
	if (!file.startsWith(buildDir) || !existsSync(file) || statSync(file).isDirectory()) file = join(buildDir, 'index.html');
	res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
server.listen(port, host, () => console.log(JSON.stringify({ msg: 'listening', url: `http://${host}:${port}` })));
