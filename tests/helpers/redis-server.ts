// Stops and starts this machine's Redis for the test of what a Redis restart keeps. It is started
// again with the command the machine starts it with (no persistence), and always before the test ends.
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { testRedisUrl } from './cluster.ts';

const START_ARGS = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'];

async function answers(): Promise<boolean> {
	const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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

/** Shuts Redis down without saving (it keeps nothing on disk anyway): every stream is gone. */
export async function stopRedis(): Promise<void> {
	try {
		execFileSync('redis-cli', ['-p', '6379', 'shutdown', 'nosave'], { stdio: 'ignore' });
	} catch {
		// redis-cli reports the connection it lost as an error.
	}
	await until(async () => !(await answers()), 'stop');
}

export async function startRedis(): Promise<void> {
	if (await answers()) return;
	execFileSync('redis-server', START_ARGS, { stdio: 'ignore' });
	await until(answers, 'start');
}
