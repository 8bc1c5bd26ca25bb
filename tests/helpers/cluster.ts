// The cluster's services for tests: PostgreSQL and Redis on this machine (or TEST_DATABASE_URL and
// TEST_REDIS_URL), and a fresh cluster name per test cluster, so its schema and keys are its own
// and are removed afterwards.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
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
	await removeKeys(clusterName);
}

async function onServer(sql: string): Promise<void> {
	const client = new pg.Client({ connectionString: testDatabaseUrl });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}

/**
 * Restores a cluster's pg_dump into a new database of the test server, renames the one schema in it
 * to `clusterName`, and returns the new database's URL.
 */
export async function restoreDump(file: string, clusterName: string): Promise<string> {
	const database = `restored_${clusterName}`;
	await onServer(`CREATE DATABASE "${database}"`);
	const url = new URL(testDatabaseUrl);
	url.pathname = `/${database}`;
	await promisify(execFile)('pg_restore', ['--no-owner', `--dbname=${url.href}`, file]);
	const client = new pg.Client({ connectionString: url.href });
	await client.connect();
	try {
		const schemas = (await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('public', 'information_schema')")).rows;
		if (schemas.length !== 1) throw new Error(`The dump held ${schemas.length} schemas, not one cluster.`);
		await client.query(`ALTER SCHEMA "${schemas[0].name}" RENAME TO "${clusterName}"`);
	} finally {
		await client.end();
	}
	return url.href;
}

/** Drops a database `restoreDump` made, and the Redis keys of the cluster restored there. */
export async function dropDatabaseOf(databaseUrl: string, clusterName: string): Promise<void> {
	await onServer(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
	await removeKeys(clusterName);
}

async function removeKeys(clusterName: string): Promise<void> {
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
