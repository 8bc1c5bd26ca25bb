// The cluster's services for tests: PostgreSQL and Redis on this machine (or TEST_DATABASE_URL and
// TEST_REDIS_URL), and a fresh cluster name per test cluster, so its schema and keys are its own
// and are removed afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { dropSchema } from '../../server/cluster/schema.ts';
import { streamKeys } from '../../server/cluster/keys.ts';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A cluster name no other test run uses. */
export function freshClusterName(): string {
	return `t_${process.pid}_${randomBytes(5).toString('hex')}`;
}

/** Removes the cluster's PostgreSQL schema and every Redis key under its name. */
export async function removeCluster(clusterName: string): Promise<void> {
	await dropSchema(testDatabaseUrl, clusterName);
	const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
	redis.on('error', () => {});
	try {
		await redis.connect();
		let cursor = '0';
		do {
			const [next, found] = await redis.scan(cursor, 'MATCH', streamKeys(clusterName).pattern, 'COUNT', 500);
			cursor = next;
			if (found.length > 0) await redis.del(...found);
		} while (cursor !== '0');
	} finally {
		redis.disconnect();
	}
}

/** Settings that make a relay a member of the given test cluster. */
export function clusterSettings(clusterName: string) {
	return { redisUrl: testRedisUrl, databaseUrl: testDatabaseUrl, clusterName };
}
