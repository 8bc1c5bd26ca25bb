// Starts the two servers under test as child processes, each pinned to the server core: the
// Commonplace relay (`server/main.ts`, persistence on) and the reference y-websocket server.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
// @ts-expect-error: plain JavaScript, no declarations
import { bundleReason } from '../scripts/relay-bundle.mjs';
import { freePort } from '../tests/helpers/free-port';
import { pinned } from './pinning';
import { referenceServerScript } from './reference';

export type ServerKind = 'commonplace' | 'reference';

export interface RunningServer {
	kind: ServerKind;
	pid: number;
	port: number;
	/** The URL a stock WebsocketProvider takes as its server URL; the room name is appended. */
	providerUrl: string;
	/** Query parameters for a client: the first client of a group creates it on the relay. */
	params(token: string, first: boolean): Record<string, string>;
	/** A cluster's relay processes: each group's writer on one, its readers on the others. */
	providerUrls?: string[];
	/** Where the relay keeps its database (Commonplace only). */
	dataDir?: string;
	stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..');

/** Waits for the line a server prints once it listens, and returns it. */
function waitForLine(child: ChildProcess, match: (line: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		const seen: string[] = [];
		const timer = setTimeout(() => fail(new Error(`${what} did not start within ${timeoutMs / 1000} s. Output:\n${seen.join('\n')}`)), timeoutMs);
		const onExit = (code: number | null) => fail(new Error(`${what} exited with code ${code} before listening. Output:\n${seen.join('\n')}`));
		function fail(error: Error) {
			clearTimeout(timer);
			lines.close();
			child.off('exit', onExit);
			reject(error);
		}
		lines.on('line', (line) => {
			seen.push(line);
			if (match(line)) {
				clearTimeout(timer);
				child.off('exit', onExit);
				// Keep draining output so a chatty server never blocks on a full pipe.
				lines.removeAllListeners('line');
				lines.on('line', () => {});
				resolve(line);
			}
		});
		child.on('exit', onExit);
	});
}

/**
 * Stops a server with SIGTERM, and SIGKILL after `graceMs`. A profiled relay gets longer: it writes
 * its CPU profile only once it has shut down, and closing 10,000 connections and compacting 5,000
 * groups (scenario (d)) takes longer than 10 s.
 */
function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(kill);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

/**
 * The Commonplace relay as `npm start` runs it (`server/main.ts` through tsx's loader, in one process
 * so /proc shows the relay itself), on port 0 with a fresh SQLite database.
 */
export async function startCommonplace(options: { dataDir?: string; env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<RunningServer> {
	const ownDir = !options.dataDir;
	const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'commonplace-bench-'));
	if (bundleReason()) execFileSync(process.execPath, [join(ROOT, 'scripts', 'relay-bundle.mjs')], { stdio: 'inherit' });
	const [command, args] = pinned('server', process.execPath, [...(options.nodeArgs ?? []), join(ROOT, 'scripts', 'start.mjs')]);
	const child = spawn(command, args, {
		cwd: ROOT,
		// The load needs no app, so the relay never stops to build one (BUILD=false) unless asked to.
		// Its log level stays the default: the "listening" line is how the benchmark learns the port.
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, BUILD: 'false', ...options.env, LOG_LEVEL: 'info' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const line = await waitForLine(child, (l) => l.includes('"listening"'), 'The Commonplace relay').catch(async (error) => {
		await stopChild(child);
		if (ownDir) rmSync(dataDir, { recursive: true, force: true });
		throw error;
	});
	const port = Number(JSON.parse(line).port ?? new URL(JSON.parse(line).url).port);
	return {
		kind: 'commonplace',
		pid: child.pid!,
		port,
		providerUrl: `ws://127.0.0.1:${port}/sync`,
		params: (token, first): Record<string, string> => (first ? { token, create: '1' } : { token }),
		dataDir,
		async stop() {
			await stopChild(child, options.nodeArgs?.includes('--cpu-prof') ? 180_000 : 10_000);
			if (ownDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** The reference server through its own `bin` script, as its README says to run it. */
export async function startReference(options: { nodeArgs?: string[] } = {}): Promise<RunningServer> {
	const port = await freePort();
	const [command, args] = pinned('server', process.execPath, [...(options.nodeArgs ?? []), referenceServerScript()]);
	const child = spawn(command, args, {
		cwd: ROOT,
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await waitForLine(child, (l) => l.startsWith('running at'), 'The reference server').catch(async (error) => {
		await stopChild(child);
		throw error;
	});
	return {
		kind: 'reference',
		pid: child.pid!,
		port,
		providerUrl: `ws://127.0.0.1:${port}`,
		params: () => ({}),
		stop: () => stopChild(child)
	};
}

export function startServer(kind: ServerKind): Promise<RunningServer> {
	return kind === 'commonplace' ? startCommonplace() : startReference();
}
