// `npm start`: reads the configuration (defaults, environment, flags), builds the app when it is
// missing, runs the relay, and shuts it down gracefully on SIGTERM/SIGINT.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildApp, buildReason } from './app-build.ts';
import { settingsOrExit } from './config.ts';
import { seedDemoGroup } from './demo.ts';
import { createLogger, errorText } from './log.ts';
import { startRelay } from './relay.ts';
import { describeStartupError } from './startup-errors.ts';
import { openRelayStorage } from './storage.ts';

/** The folder of package.json: `server/` from the sources, `dist/relay/` from the bundle. */
function findProjectRoot(from: string): string {
	let dir = from;
	while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
	return dir;
}

const projectRoot = findProjectRoot(import.meta.dirname);

async function main(): Promise<void> {
	const config = settingsOrExit(process.argv.slice(2));
	if (!config) return;
	const log = createLogger(config.logLevel);
	const reason = config.build ? buildReason(projectRoot, config.staticDir) : null;
	if (reason) {
		log.info('building the app', { staticDir: config.staticDir, reason });
		buildApp(projectRoot, config.staticDir);
	}
	let demo: Awaited<ReturnType<typeof seedDemoGroup>> | null = null;
	if (config.demo) {
		let storage;
		try {
			storage = await openRelayStorage(config);
		} catch (error) {
			process.stderr.write(`${describeStartupError(error, config)}\n`);
			process.exit(1);
		}
		try {
			demo = await seedDemoGroup(storage, config);
		} finally {
			await storage.close();
		}
	}
	let relay;
	try {
		relay = await startRelay(config);
	} catch (error) {
		process.stderr.write(`${describeStartupError(error, config)}\n`);
		process.exit(1);
	}
	// Always printed, whatever the log level: scripts and tests read the port from it.
	createLogger('info').info('listening', { port: relay.port, url: relay.url, dataDir: resolve(config.dataDir) });
	if (demo) {
		log.info(demo.created ? 'sample group created' : 'sample group opened', { groupId: demo.groupId });
		// The link carries an owner token, so it goes to the operator's terminal, never into the logs.
		process.stderr.write(`\nOpen the sample group "Tic&Travail" as its owner:\n  ${relay.url}/join/${demo.groupId}#${demo.token}\n\n`);
	}

	let stopping = false;
	const stop = (signal: string) => {
		// A second signal while shutting down means: stop now. Nothing is lost; every update is stored.
		if (stopping) process.exit(1);
		stopping = true;
		log.info('shutting down', { signal });
		relay.close().then(
			() => process.exit(0),
			(error: unknown) => {
				log.error('shutdown failed', { error: errorText(error) });
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
	process.stderr.write(`The relay could not start: ${errorText(error)}\n`);
	process.exit(1);
});
