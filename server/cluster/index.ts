// A relay process as one member of a cluster (REDIS_URL and DATABASE_URL set): groups, tokens and
// deleted groups in PostgreSQL, updates and presence shared with the other processes through Redis Streams.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { TokenStoreApi } from '../auth/store.ts';
import type { RelayConfig } from '../config.ts';
import type { RoomFanout } from '../fanout.ts';
import { errorText, type Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { startCompactionJob, type CompactionJob } from './compaction-job.ts';
import { createStreamFanout } from './fanout.ts';
import { streamKeys } from './keys.ts';
import { createClusterStore, type ClusterRoomStore } from './room-store.ts';
import { migrate, openPool } from './schema.ts';
import { SyncSql } from './sync-sql.ts';
import { PostgresTokenStore } from './token-store.ts';

export interface ClusterMember {
	processId: string;
	store: ClusterRoomStore;
	fanout: RoomFanout;
	tokens: TokenStoreApi;
	compaction: CompactionJob;
	close(): Promise<void>;
}

/** Where a service is, without the password a URL may carry. */
function hostOf(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('redis') ? '6379' : '5432')}`;
	} catch {
		return 'the address given';
	}
}

export class ClusterStartError extends Error {
	override name = 'ClusterStartError';
}

export function openRedis(url: string, role: 'commands' | 'reader'): Redis {
	return new Redis(url, {
		lazyConnect: true,
		// Commands fail at once while Redis is away (an append then fails and its members send it again);
		// the reader keeps its blocking read for when Redis is back.
		enableOfflineQueue: role === 'reader',
		maxRetriesPerRequest: role === 'reader' ? null : 1,
		connectionName: `commonplace-${role}`
	});
}

async function connectRedis(url: string, role: 'commands' | 'reader'): Promise<Redis> {
	const redis = openRedis(url, role);
	// Errors are reported by the operations that meet them; ioredis reconnects by itself.
	redis.on('error', () => {});
	try {
		await redis.connect();
	} catch (error) {
		redis.disconnect();
		throw new ClusterStartError(`Redis at ${hostOf(url)} (REDIS_URL) is not reachable: ${errorText(error)}. Start it, or check REDIS_URL.`);
	}
	return redis;
}

/** The cluster's PostgreSQL and Redis parts for one process (also used by `npm run worker`). */
export async function openClusterStore(config: RelayConfig, log: Logger) {
	const databaseUrl = config.databaseUrl!;
	try {
		await migrate(databaseUrl, config.clusterName);
	} catch (error) {
		throw new ClusterStartError(`PostgreSQL at ${hostOf(databaseUrl)} (DATABASE_URL) is not usable: ${errorText(error)}. Start it, or check DATABASE_URL.`);
	}
	const pool: pg.Pool = openPool(databaseUrl, config.clusterName);
	const commands = await connectRedis(config.redisUrl!, 'commands');
	const processId = randomUUID();
	const keys = streamKeys(config.clusterName);
	const store = createClusterStore({
		pool,
		redis: commands,
		keys,
		processId,
		streamRetainMs: config.streamRetainMs,
		compactionPauseMs: config.compactionPauseMs,
		historyDays: config.historyDays,
		// Both inside the group's lock: another process's start is always logged after this one's end.
		onCompactionStart: (groupId) => log.debug('compaction started', { groupId, processId, at: Date.now() }),
		onCompactionEnd: (groupId, folded) => log.debug('compaction finished', { groupId, processId, folded, at: Date.now() })
	});
	return { pool, commands, processId, keys, store };
}

export async function openClusterMember(config: RelayConfig, log: Logger, metrics: Metrics): Promise<ClusterMember> {
	const { pool, commands, processId, keys, store } = await openClusterStore(config, log);
	let reader: Redis;
	try {
		reader = await connectRedis(config.redisUrl!, 'reader');
	} catch (error) {
		commands.disconnect();
		await pool.end();
		throw error;
	}
	const sql = new SyncSql(config.databaseUrl!, config.clusterName);
	const tokens = new PostgresTokenStore(sql);
	const fanout = createStreamFanout({ commands, reader, keys, processId, store, log });
	const compaction = startCompactionJob(store, config, log, metrics);
	log.info('cluster member', { processId, cluster: config.clusterName });
	return {
		processId,
		store,
		fanout,
		tokens,
		compaction,
		async close() {
			compaction.stop();
			fanout.close();
			reader.disconnect();
			commands.disconnect();
			sql.close();
			await pool.end();
		}
	};
}
