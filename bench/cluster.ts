// `npm run bench -- --only=cluster`: the relay as a cluster (PostgreSQL and Redis on this machine),
// one process against three on loads (a) and (b). With three, each group's writer is on one process
// and its readers on the others, so every delivery measured crossed processes through Redis.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { runScenario, type Scenario, type ScenarioResult } from './load/driver';
import { startCommonplace, type RunningServer } from './servers';
import type { Row } from './table';

export const CLUSTER_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const CLUSTER_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function removeCluster(name: string): Promise<void> {
	const client = new pg.Client({ connectionString: CLUSTER_DATABASE_URL });
	await client.connect();
	await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
	await client.end();
	const redis = new Redis(CLUSTER_REDIS_URL);
	let cursor = '0';
	do {
		const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}:*`, 'COUNT', 1000);
		cursor = next;
		if (keys.length > 0) await redis.del(...keys);
	} while (cursor !== '0');
	redis.disconnect();
}

/** `count` relay processes of one fresh cluster, as one server for the load driver. */
async function startCluster(count: number, env: Record<string, string>): Promise<RunningServer> {
	const name = `bench_${randomBytes(4).toString('hex')}`;
	const clusterEnv = { ...env, REDIS_URL: CLUSTER_REDIS_URL, DATABASE_URL: CLUSTER_DATABASE_URL, CLUSTER_NAME: name };
	const relays: RunningServer[] = [];
	try {
		for (let i = 0; i < count; i++) relays.push(await startCommonplace({ env: clusterEnv }));
	} catch (error) {
		await Promise.all(relays.map((r) => r.stop()));
		await removeCluster(name);
		throw error;
	}
	return {
		...relays[0],
		providerUrls: relays.map((r) => r.providerUrl),
		async stop() {
			await Promise.all(relays.map((r) => r.stop()));
			await removeCluster(name);
		}
	};
}

export interface ClusterFigures {
	scenario: Scenario;
	one: ScenarioResult;
	three: ScenarioResult;
}

export async function measureCluster(scenarios: Scenario[], env: Record<string, string>): Promise<ClusterFigures[]> {
	const figures: ClusterFigures[] = [];
	for (const scenario of scenarios) {
		const results: ScenarioResult[] = [];
		for (const count of [1, 3]) {
			console.log(`Cluster ${scenario.title}: ${count} process${count > 1 ? 'es' : ''} ...`);
			const server = await startCluster(count, env);
			try {
				results.push(await runScenario(server, scenario));
			} finally {
				await server.stop();
			}
			const r = results[results.length - 1];
			console.log(`  synced in ${r.syncMs} ms, ${r.updatesInPerSec}/s in, ${r.deliveriesOutPerSec}/s out, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms${r.failedClients ? `, ${r.failedClients} clients failed: ${r.firstError}` : ''}`);
		}
		figures.push({ scenario, one: results[0], three: results[1] });
	}
	return figures;
}

/** Rows with three processes in the first column and one in the second ("reference"). */
export function clusterRows(figures: ClusterFigures[]): Row[] {
	const rows: Row[] = [];
	for (const { scenario, one, three } of figures) {
		rows.push({ label: `Cluster ${scenario.title} — first column: 3 relay processes (readers on other processes than their writer), second: 1 process; PostgreSQL + Redis` });
		const failed = one.failedClients || three.failedClients ? ` (failed: ${three.failedClients} / ${one.failedClients})` : '';
		rows.push(
			{ label: `  all ${three.clients.toLocaleString('en')} clients synced${failed}`, commonplace: three.syncMs, reference: one.syncMs, unit: 'ms', better: 'lower' },
			{ label: '  updates in', commonplace: three.updatesInPerSec, reference: one.updatesInPerSec, unit: '/s', better: 'higher' },
			{ label: '  deliveries out', commonplace: three.deliveriesOutPerSec, reference: one.deliveriesOutPerSec, unit: '/s', better: 'higher' },
			{ label: '  deliveries seen / expected', commonplace: `${three.delivered}/${three.expectedDeliveries}`, reference: `${one.delivered}/${one.expectedDeliveries}` },
			{ label: '  delivery latency p50 (3: across processes)', commonplace: three.latencyMs.p50, reference: one.latencyMs.p50, unit: 'ms', better: 'lower' },
			{ label: '  delivery latency p99 (3: across processes)', commonplace: three.latencyMs.p99, reference: one.latencyMs.p99, unit: 'ms', better: 'lower' },
			{ label: '  delivery latency max', commonplace: three.latencyMs.max, reference: one.latencyMs.max, unit: 'ms', better: 'lower' }
		);
	}
	return rows;
}
