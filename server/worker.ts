// `npm run worker`: a cluster process that serves no one and only compacts: it folds groups' logs
// into their snapshots and trims their streams, taking each group's lock like the relay processes do.
import { startCompactionJob } from './cluster/compaction-job.ts';
import { openClusterStore } from './cluster/index.ts';
import { ConfigError, configFromCommandLine, describeSettings, isClusterMember } from './config.ts';
import { createLogger, errorText } from './log.ts';

async function main(): Promise<void> {
	let commandLine;
	try {
		commandLine = configFromCommandLine(process.argv.slice(2));
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		process.stderr.write(`${error.message}\n`);
		process.exit(2);
	}
	if (commandLine.help) {
		process.stdout.write(`npm run worker: compacts a cluster's groups (needs REDIS_URL and DATABASE_URL).\n\n${describeSettings()}\n`);
		return;
	}
	const { config } = commandLine;
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
