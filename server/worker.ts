// `npm run worker`: a cluster process that serves no one and only compacts: it folds groups' logs
// into their snapshots and trims their streams, taking each group's lock like the relay processes do.
import { startCompactionJob } from './cluster/compaction-job.ts';
import { openClusterStore } from './cluster/index.ts';
import { isClusterMember, settingsOrExit } from './config.ts';
import { createLogger, errorText } from './log.ts';

async function main(): Promise<void> {
	const config = settingsOrExit(process.argv.slice(2), "npm run worker: compacts a cluster's groups (needs REDIS_URL and DATABASE_URL).\n\n");
	if (!config) return;
	if (!isClusterMember(config)) {
		process.stderr.write('The worker compacts a cluster: set REDIS_URL and DATABASE_URL. A single relay on SQLite compacts by itself.\n');
		process.exit(2);
	}
	const log = createLogger(config.logLevel);
	const { pool, commands, store } = await openClusterStore(config, log);
	const job = startCompactionJob(store, { ...config, compactionIntervalMs: Math.max(100, config.compactionIntervalMs) }, log);
	createLogger('info').info('worker started', { cluster: config.clusterName, intervalMs: config.compactionIntervalMs });
	const stop = () => {
		job.stop();
		commands.disconnect();
		pool.end().then(
			() => process.exit(0),
			() => process.exit(1)
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`The worker could not start: ${errorText(error)}\n`);
	process.exit(1);
});
