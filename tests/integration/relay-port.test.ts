// `npm start` on a port another program holds: it stops with words that say how to pick another
// port, never a stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandLineFor } from '../../server/config.ts';
import { modeEnvironment } from '../helpers/relay.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const projectRoot = join(import.meta.dirname, '..', '..');

describe('npm start', () => {
	it('on a port that is taken, says so and how to pick another port, and exits 1', async () => {
		const holder = createServer();
		await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
		cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
		const port = (holder.address() as AddressInfo).port;
		const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-port-'));
		cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

		const argv = commandLineFor({ host: '127.0.0.1', port, build: false, dataDir, logLevel: 'warn' });
		// In cluster mode, a cluster member: it reaches its services first, then finds the port taken.
		const child = spawn('npm', ['start', '--silent', '--', ...argv], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...modeEnvironment(dataDir) } });
		cleanups.push(() => child.kill('SIGKILL'));
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

		expect(code).toBe(1);
		expect(output).toContain(`port ${port} on 127.0.0.1 is already in use`);
		expect(output).toContain(`PORT=${port + 1} npm start`);
		expect(output).toContain(`--port ${port + 1}`);
		expect(output).not.toMatch(/^\s+at /m);
	});
});
