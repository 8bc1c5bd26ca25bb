// Serves the built app: files with cache headers that fit them, index.html for every app route (SPA
// fallback), and the security headers of every response, including a CSP that admits only the
// app's own inline bootstrap script by its hash.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/** htmlparser2, loaded once there is an app page to hash: a relay serving no app never needs it. */
let Parser: typeof import('htmlparser2').Parser | null = null;

async function loadParser(): Promise<void> {
	Parser ??= (await import('htmlparser2')).Parser;
}

const contentTypes: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.gif': 'image/gif',
	'.webp': 'image/webp',
	'.ico': 'image/x-icon',
	'.woff': 'font/woff',
	'.woff2': 'font/woff2',
	'.txt': 'text/plain; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
	'.wasm': 'application/wasm'
};

/** The sha256 CSP sources of the inline scripts of an HTML page, exactly as a browser hashes them. */
function inlineScriptHashes(html: string): string[] {
	if (!Parser) throw new Error('The HTML parser is not loaded yet.');
	const hashes: string[] = [];
	let inInlineScript = false;
	let text = '';
	const parser = new Parser(
		{
			onopentag(name, attributes) {
				if (name === 'script' && !('src' in attributes)) {
					inInlineScript = true;
					text = '';
				}
			},
			ontext(chunk) {
				if (inInlineScript) text += chunk;
			},
			onclosetag(name) {
				if (name === 'script' && inInlineScript) {
					inInlineScript = false;
					hashes.push(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
				}
			}
		},
		{ decodeEntities: false }
	);
	parser.write(html);
	parser.end();
	return hashes;
}

// A Host header goes into the CSP, so only a plain host[:port] is echoed.
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export function contentSecurityPolicy(scriptHashes: readonly string[], host: string | undefined): string {
	const sockets = host && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
	return [
		"default-src 'self'",
		`script-src 'self' ${scriptHashes.join(' ')}`.trimEnd(),
		"style-src 'self' 'unsafe-inline'",
		// Saved pages' icons and preview images come from their own sites.
		"img-src 'self' data: blob: https: http:",
		"font-src 'self'",
		`connect-src 'self'${sockets}`,
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
}

/**
 * Headers of every response that is not the app itself (API JSON, exports, feeds, metrics, errors):
 * nothing in them may run, be framed, be sniffed into another type, or leak where a reader came from.
 */
export const DATA_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'no-referrer',
	'x-frame-options': 'DENY',
	'cache-control': 'no-store'
});

export interface StaticApp {
	/** Loads what serving the app's page needs, once it exists; awaited before each request is handled. */
	prepare(): Promise<void>;
	/** Headers every response of the relay carries. */
	securityHeaders(req: IncomingMessage): OutgoingHttpHeaders;
	/** Serves a GET or HEAD request for a file or an app route. */
	serve(req: IncomingMessage, res: ServerResponse, pathname: string): void;
}

export function createStaticApp(staticDir: string): StaticApp {
	const root = resolve(staticDir);
	const indexFile = join(root, 'index.html');
	// index.html is re-read when it changes (a rebuild while the relay runs).
	let index: { mtimeMs: number; body: Buffer; hashes: string[] } | null = null;
	const currentIndex = () => {
		let stats: Stats;
		try {
			stats = statSync(indexFile);
		} catch {
			index = null;
			return null;
		}
		if (!index || index.mtimeMs !== stats.mtimeMs) {
			const body = readFileSync(indexFile);
			index = { mtimeMs: stats.mtimeMs, body, hashes: inlineScriptHashes(body.toString('utf8')) };
		}
		return index;
	};
	const prepare = async (): Promise<void> => {
		if (!Parser && existsSync(indexFile)) await loadParser();
	};

	const securityHeaders = (req: IncomingMessage): OutgoingHttpHeaders => ({
		'content-security-policy': contentSecurityPolicy(currentIndex()?.hashes ?? [], req.headers.host),
		'x-content-type-options': 'nosniff',
		// Links out of a group page must not tell other sites which group a member was reading.
		'referrer-policy': 'no-referrer',
		'x-frame-options': 'DENY',
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=()'
	});

	const notFound = (req: IncomingMessage, res: ServerResponse) => {
		res.writeHead(404, { ...securityHeaders(req), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
		res.end(req.method === 'HEAD' ? undefined : 'Not found.\n');
	};

	const sendIndex = (req: IncomingMessage, res: ServerResponse) => {
		const page = currentIndex();
		if (!page) {
			res.writeHead(503, { ...securityHeaders(req), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
			res.end(req.method === 'HEAD' ? undefined : 'The app is not built yet. Run `npm run build` and reload.\n');
			return;
		}
		res.writeHead(200, {
			...securityHeaders(req),
			'content-type': contentTypes['.html'],
			'content-length': page.body.length,
			'cache-control': 'no-cache'
		});
		res.end(req.method === 'HEAD' ? undefined : page.body);
	};

	const serve = (req: IncomingMessage, res: ServerResponse, pathname: string) => {
		let decoded: string;
		try {
			decoded = decodeURIComponent(pathname);
		} catch {
			notFound(req, res);
			return;
		}
		const file = resolve(root, `.${decoded}`);
		if (decoded.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
			notFound(req, res);
			return;
		}
		let stats: Stats | null = null;
		try {
			stats = statSync(file);
		} catch {
			stats = null;
		}
		if (!stats || !stats.isFile()) {
			// Build output and anything that looks like a file is a real miss; every other path is an app route.
			if (decoded.startsWith('/_app/') || extname(decoded) !== '') notFound(req, res);
			else sendIndex(req, res);
			return;
		}
		if (file === indexFile) {
			sendIndex(req, res);
			return;
		}
		const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
		const immutable = decoded.startsWith('/_app/immutable/');
		const headers: OutgoingHttpHeaders = {
			...securityHeaders(req),
			'content-type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
			// Hashed build files never change; the service worker and version file must be fresh.
			'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
			etag
		};
		if (req.headers['if-none-match'] === etag) {
			res.writeHead(304, headers).end();
			return;
		}
		res.writeHead(200, { ...headers, 'content-length': stats.size });
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		createReadStream(file)
			.on('error', () => res.destroy())
			.pipe(res);
	};

	return { prepare, securityHeaders, serve };
}
