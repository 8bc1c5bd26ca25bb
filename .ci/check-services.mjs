// CI: the cluster tests need PostgreSQL and Redis. Says which one is not reachable, and how to start it.
import pg from 'pg';
import { Redis } from 'ioredis';

const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const missing = [];

const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
try {
	await client.connect();
	await client.query('SELECT 1');
	console.log(`PostgreSQL: reachable at ${new URL(databaseUrl).host}`);
} catch (error) {
	missing.push(`PostgreSQL is not reachable at ${new URL(databaseUrl).host} (${error.message}). Start it (pg_ctlcluster <version> main start) or set TEST_DATABASE_URL.`);
} finally {
	await client.end().catch(() => {});
}

const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
redis.on('error', () => {});
try {
	await redis.connect();
	await redis.ping();
	console.log(`Redis: reachable at ${new URL(redisUrl).host}`);
} catch (error) {
	missing.push(`Redis is not reachable at ${new URL(redisUrl).host} (${error.message}). Start it (redis-server --daemonize yes --port 6379 --save "" --appendonly no) or set TEST_REDIS_URL.`);
} finally {
	redis.disconnect();
}

if (missing.length > 0) {
	for (const line of missing) console.error(line);
	process.exit(1);
}
