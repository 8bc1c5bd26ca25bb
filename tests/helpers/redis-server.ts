// A Redis server of the test's own (on a free port, no persistence, as the machine's runs), which a
// test may stop and start again without disturbing other tests that use the machine's Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';
import { Redis } from 'ioredis';

async function answers(url: string): Promise<boolean> {
	const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
	redis.on('error', () => {});
	try {
		await redis.connect();
		return (await redis.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		redis.disconnect();
	}
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
	const deadline = Date.now() + 15_000;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Redis did not ${what} in time.`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

export interface OwnRedis {
	url: string;
	/** Stops the server (SIGKILL: nothing is saved, it keeps nothing anyway); every stream is gone. */
	stop(): Promise<void>;
	/** Starts it again on the same port, empty. */
	start(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
	const port = await freePort();
	const url = `redis://127.0.0.1:${port}`;
	let child: ChildProcess | null = null;
	const start = async () => {
		if (child) return;
		child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
		await until(() => answers(url), 'start');
	};
	const stop = async () => {
		const running = child;
		if (!running) return;
		child = null;
		const exited = new Promise((resolve) => running.once('exit', resolve));
		running.kill('SIGKILL');
		await exited;
		await until(async () => !(await answers(url)), 'stop');
	};
	await start();
	return { url, start, stop };
}
