// The relay's settings: one object with defaults, overridden by environment variables, then by flags.
// `describeSettings()` is the `--help` text, so every setting is listed where it is defined.
import { readFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type SqliteSynchronous = 'full' | 'normal';

export interface RelayConfig {
	host: string;
	port: number;
	dataDir: string;
	staticDir: string;
	/** Build the app first when `staticDir` has no index.html (used by `npm start`). */
	build: boolean;
	/** Store the sample group and print an owner link to it (used by `npm start`). */
	demo: boolean;
	/** Origin the public sees, e.g. https://commonplace.example.org; empty: taken from each request. */
	publicOrigin: string;
	/** Needed to create groups when the relay is not on loopback; null: no token is accepted. */
	createToken: string | null;
	/** Let anyone create groups on a public relay. */
	openCreation: boolean;
	/** Reachable from outside although listening on loopback (a proxy on the same machine): creation follows the public rules. */
	publicBind: boolean;
	/** Believe X-Forwarded-For / X-Forwarded-Proto from a reverse proxy in front of the relay. */
	trustProxy: boolean;
	maxPayloadBytes: number;
	maxUpdateBytes: number;
	maxDocumentBytes: number;
	/** Largest size of the database file; 0: as large as the disk allows. */
	maxDatabaseBytes: number;
	messagesPerSecond: number;
	messageBurst: number;
	connectionsPerIp: number;
	maxAwarenessBytes: number;
	awarenessBytesPerSecond: number;
	sendBufferLimitBytes: number;
	maxUnfinishedBytesPerAddress: number;
	partialMessageTimeoutMs: number;
	heartbeatMs: number;
	roomIdleMs: number;
	compactAfterUpdates: number;
	compactAfterBytes: number;
	/** Days of each group's history kept through compactions (dated checkpoints plus the log since); 0: none. */
	historyDays: number;
	sqliteSynchronous: SqliteSynchronous;
	logLevel: LogLevel;
	/** Testing only: hold each compaction open this long inside its transaction. */
	compactionPauseMs: number;
	/** Let the relay read pages on private, loopback and link-local addresses for their details. */
	pageInfoAllowPrivate: boolean;
	/** Longest time reading one page's details may take, redirects included. */
	pageInfoTimeoutMs: number;
	/** Most of a page read for its details; the rest is not downloaded. */
	pageInfoMaxBytes: number;
	/** Pages whose details are kept in memory (for six hours each). */
	pageInfoCacheEntries: number;
	/** With `databaseUrl`: this relay is one member of a cluster, its groups shared through Redis Streams. */
	redisUrl: string | null;
	/** With `redisUrl`: where the cluster keeps snapshots, updates, tokens and deleted groups. */
	databaseUrl: string | null;
	/** Names the cluster's PostgreSQL schema and prefixes its Redis keys, so clusters can share the services. */
	clusterName: string;
	/** How long the cluster's streams keep updates already in PostgreSQL, for relay processes that read late. */
	streamRetainMs: number;
	/** How often a cluster member looks for groups whose log should be folded into their snapshot. */
	compactionIntervalMs: number;
}

type Kind = 'string' | 'nullable-string' | 'number' | 'boolean' | readonly string[];

interface Setting {
	key: keyof RelayConfig;
	env: string;
	flag: string;
	kind: Kind;
	help: string;
	/**
	 * A secret: read from the environment or from the file named by `<env>_FILE`, never from a flag,
	 * since every user of the machine can read a process's command line (`ps`).
	 */
	secret?: true;
}

export const defaultConfig: Readonly<RelayConfig> = Object.freeze({
	host: '127.0.0.1',
	port: 8080,
	dataDir: './data',
	staticDir: 'build',
	build: true,
	demo: false,
	publicOrigin: '',
	createToken: null,
	openCreation: false,
	publicBind: false,
	trustProxy: false,
	maxPayloadBytes: 1_048_576,
	maxUpdateBytes: 67_108_864,
	maxDocumentBytes: 134_217_728,
	maxDatabaseBytes: 0,
	messagesPerSecond: 100,
	messageBurst: 300,
	connectionsPerIp: 50,
	maxAwarenessBytes: 16_384,
	awarenessBytesPerSecond: 8_192,
	sendBufferLimitBytes: 8_388_608,
	maxUnfinishedBytesPerAddress: 134_217_728,
	partialMessageTimeoutMs: 60_000,
	heartbeatMs: 30_000,
	roomIdleMs: 60_000,
	compactAfterUpdates: 1_000,
	compactAfterBytes: 4_194_304,
	historyDays: 30,
	sqliteSynchronous: 'full',
	logLevel: 'info',
	compactionPauseMs: 0,
	pageInfoAllowPrivate: false,
	pageInfoTimeoutMs: 8_000,
	pageInfoMaxBytes: 1_048_576,
	pageInfoCacheEntries: 1_000,
	redisUrl: null,
	databaseUrl: null,
	clusterName: 'commonplace',
	streamRetainMs: 60_000,
	compactionIntervalMs: 5_000
});

const settings: readonly Setting[] = [
	{ key: 'host', env: 'HOST', flag: '--host', kind: 'string', help: 'address to listen on' },
	{ key: 'port', env: 'PORT', flag: '--port', kind: 'number', help: 'port to listen on; 0 picks a free one' },
	{ key: 'dataDir', env: 'DATA_DIR', flag: '--data-dir', kind: 'string', help: 'folder of the SQLite database' },
	{ key: 'staticDir', env: 'STATIC_DIR', flag: '--static-dir', kind: 'string', help: 'folder of the built app' },
	{ key: 'build', env: 'BUILD', flag: '--build', kind: 'boolean', help: 'build the app first when the static folder has none or the sources changed since' },
	{ key: 'demo', env: 'DEMO', flag: '--demo', kind: 'boolean', help: 'start with the sample group "Tic&Travail" and print a link that opens it' },
	{ key: 'publicOrigin', env: 'PUBLIC_ORIGIN', flag: '--public-origin', kind: 'string', help: 'origin the public uses (https://...) for links in feeds; empty: from each request' },
	{ key: 'createToken', env: 'CREATE_TOKEN', flag: '--create-token', kind: 'nullable-string', help: 'token that allows creating groups on a relay not on loopback', secret: true },
	{ key: 'openCreation', env: 'OPEN_CREATION', flag: '--open-creation', kind: 'boolean', help: 'allow anyone to create groups, even on a public address' },
	{ key: 'publicBind', env: 'PUBLIC_BIND', flag: '--public-bind', kind: 'boolean', help: 'the relay is public although it listens on loopback (behind a local proxy)' },
	{ key: 'trustProxy', env: 'TRUST_PROXY', flag: '--trust-proxy', kind: 'boolean', help: 'trust X-Forwarded-For/-Proto from a reverse proxy (implies --public-bind)' },
	{ key: 'maxPayloadBytes', env: 'MAX_PAYLOAD_BYTES', flag: '--max-payload-bytes', kind: 'number', help: 'largest WebSocket message accepted, other than a change to a group' },
	{ key: 'maxUpdateBytes', env: 'MAX_UPDATE_BYTES', flag: '--max-update-bytes', kind: 'number', help: 'largest change to a group in one message (offline work and imports arrive whole)' },
	{ key: 'maxDocumentBytes', env: 'MAX_DOCUMENT_BYTES', flag: '--max-document-bytes', kind: 'number', help: 'largest stored size of one group' },
	{ key: 'maxDatabaseBytes', env: 'MAX_DATABASE_BYTES', flag: '--max-database-bytes', kind: 'number', help: 'largest size of the database file (0: no limit); past it, new groups and changes are refused until space is made' },
	{ key: 'messagesPerSecond', env: 'MESSAGES_PER_SECOND', flag: '--messages-per-second', kind: 'number', help: 'steady message rate allowed per connection' },
	{ key: 'messageBurst', env: 'MESSAGE_BURST', flag: '--message-burst', kind: 'number', help: 'messages a connection may send at once above the steady rate' },
	{ key: 'connectionsPerIp', env: 'CONNECTIONS_PER_IP', flag: '--connections-per-ip', kind: 'number', help: 'open connections allowed from one address' },
	{ key: 'maxAwarenessBytes', env: 'MAX_AWARENESS_BYTES', flag: '--max-awareness-bytes', kind: 'number', help: 'largest presence (awareness) message' },
	{ key: 'awarenessBytesPerSecond', env: 'AWARENESS_BYTES_PER_SECOND', flag: '--awareness-bytes-per-second', kind: 'number', help: 'presence bytes a connection may send per second (bursts up to twice the largest message); the latest one past it waits its turn' },
	{ key: 'sendBufferLimitBytes', env: 'SEND_BUFFER_LIMIT_BYTES', flag: '--send-buffer-limit-bytes', kind: 'number', help: 'unsent bytes after which a slow connection is dropped' },
	{ key: 'maxUnfinishedBytesPerAddress', env: 'MAX_UNFINISHED_BYTES_PER_ADDRESS', flag: '--max-unfinished-bytes-per-address', kind: 'number', help: 'bytes of messages still arriving (not yet whole) that all connections of one address may hold' },
	{ key: 'partialMessageTimeoutMs', env: 'PARTIAL_MESSAGE_TIMEOUT_MS', flag: '--partial-message-timeout-ms', kind: 'number', help: 'a message must arrive whole within this long of its first byte' },
	{ key: 'heartbeatMs', env: 'HEARTBEAT_MS', flag: '--heartbeat-ms', kind: 'number', help: 'ping interval; a peer silent for two intervals is dropped' },
	{ key: 'roomIdleMs', env: 'ROOM_IDLE_MS', flag: '--room-idle-ms', kind: 'number', help: 'unload a group from memory this long after its last connection left' },
	{ key: 'compactAfterUpdates', env: 'COMPACT_AFTER_UPDATES', flag: '--compact-after-updates', kind: 'number', help: 'compact a group\'s update log into a snapshot past this many updates (a big group also waits for its log to reach an eighth of its snapshot, or 20 times this count)' },
	{ key: 'compactAfterBytes', env: 'COMPACT_AFTER_BYTES', flag: '--compact-after-bytes', kind: 'number', help: '... or past this many bytes' },
	{ key: 'historyDays', env: 'HISTORY_DAYS', flag: '--history-days', kind: 'number', help: 'days of each item\'s history (who changed what) kept through compactions, pruned when a group is next compacted; 0 keeps none' },
	{ key: 'sqliteSynchronous', env: 'SQLITE_SYNCHRONOUS', flag: '--sqlite-synchronous', kind: ['full', 'normal'], help: 'full: every write survives power loss; normal: survives a crash of the relay, faster' },
	{ key: 'logLevel', env: 'LOG_LEVEL', flag: '--log-level', kind: ['debug', 'info', 'warn', 'error', 'silent'], help: 'least important log line written' },
	{ key: 'compactionPauseMs', env: 'COMPACTION_PAUSE_MS', flag: '--compaction-pause-ms', kind: 'number', help: 'testing only: hold each compaction open this long' },
	{ key: 'pageInfoAllowPrivate', env: 'PAGE_INFO_ALLOW_PRIVATE', flag: '--page-info-allow-private', kind: 'boolean', help: 'let the relay read pages on private, loopback and link-local addresses when it fills in an added page\'s details (an intranet); off, only public addresses are read' },
	{ key: 'pageInfoTimeoutMs', env: 'PAGE_INFO_TIMEOUT_MS', flag: '--page-info-timeout-ms', kind: 'number', help: 'longest time reading one page for its details may take, redirects included' },
	{ key: 'pageInfoMaxBytes', env: 'PAGE_INFO_MAX_BYTES', flag: '--page-info-max-bytes', kind: 'number', help: 'most of a page read for its details; the rest is not downloaded' },
	{ key: 'pageInfoCacheEntries', env: 'PAGE_INFO_CACHE_ENTRIES', flag: '--page-info-cache-entries', kind: 'number', help: 'pages whose details the relay remembers (six hours each)' },
	{ key: 'redisUrl', env: 'REDIS_URL', flag: '--redis-url', kind: 'nullable-string', help: 'with DATABASE_URL: run as one process of a cluster; updates travel between processes through Redis Streams (redis://host:6379)', secret: true },
	{ key: 'databaseUrl', env: 'DATABASE_URL', flag: '--database-url', kind: 'nullable-string', help: 'with REDIS_URL: keep groups, tokens and deleted groups in PostgreSQL instead of SQLite (postgres://user@host:5432/db)', secret: true },
	{ key: 'clusterName', env: 'CLUSTER_NAME', flag: '--cluster-name', kind: 'string', help: 'cluster only: the PostgreSQL schema and Redis key prefix of this cluster (letters, digits, _)' },
	{ key: 'streamRetainMs', env: 'STREAM_RETAIN_MS', flag: '--stream-retain-ms', kind: 'number', help: 'cluster only: keep updates in the Redis streams this long after they are in PostgreSQL' },
	{ key: 'compactionIntervalMs', env: 'COMPACTION_INTERVAL_MS', flag: '--compaction-interval-ms', kind: 'number', help: 'cluster only: how often a process looks for groups to compact (one process at a time per group)' }
];

const CLUSTER_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** True when the settings make this relay a member of a cluster (Redis and PostgreSQL). */
export function isClusterMember(config: RelayConfig): boolean {
	return Boolean(config.redisUrl && config.databaseUrl);
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

function parseValue(setting: Setting, raw: string, source: string): RelayConfig[keyof RelayConfig] {
	const { kind } = setting;
	if (kind === 'string') return raw;
	if (kind === 'nullable-string') return raw === '' ? null : raw;
	if (kind === 'number') {
		const n = Number(raw.replaceAll('_', ''));
		if (raw.trim() === '' || !Number.isFinite(n) || n < 0) {
			throw new ConfigError(`${source} must be a number of zero or more, not "${raw}".`);
		}
		return n;
	}
	if (kind === 'boolean') {
		if (/^(1|true|yes|on)$/i.test(raw)) return true;
		if (/^(0|false|no|off)$/i.test(raw)) return false;
		throw new ConfigError(`${source} must be true or false, not "${raw}".`);
	}
	if (!kind.includes(raw)) throw new ConfigError(`${source} must be one of ${kind.join(', ')}, not "${raw}".`);
	return raw as RelayConfig[keyof RelayConfig];
}

function assign(config: RelayConfig, key: keyof RelayConfig, value: RelayConfig[keyof RelayConfig]): void {
	(config as unknown as Record<string, unknown>)[key] = value;
}

/** Defaults, then `overrides` (used by tests and `startRelay`). */
export function resolveConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
	const config: RelayConfig = { ...defaultConfig };
	for (const [key, value] of Object.entries(overrides)) {
		if (value !== undefined) assign(config, key as keyof RelayConfig, value);
	}
	if (config.port > 65_535 || !Number.isInteger(config.port)) throw new ConfigError(`The port must be a whole number up to 65535, not ${config.port}.`);
	if (Boolean(config.redisUrl) !== Boolean(config.databaseUrl)) {
		throw new ConfigError(
			`A cluster needs both REDIS_URL and DATABASE_URL; only ${config.redisUrl ? 'REDIS_URL' : 'DATABASE_URL'} is set. Set both, or neither for a single relay on SQLite.`
		);
	}
	if (!CLUSTER_NAME.test(config.clusterName)) {
		throw new ConfigError(`CLUSTER_NAME must be lower-case letters, digits and _ (starting with a letter, at most 40), not "${config.clusterName}".`);
	}
	if (isClusterMember(config) && config.maxDatabaseBytes > 0) {
		throw new ConfigError('MAX_DATABASE_BYTES limits the single relay\'s SQLite file; a cluster keeps its data in PostgreSQL, whose disk you limit instead. Leave it unset with REDIS_URL and DATABASE_URL.');
	}
	return config;
}

export interface CommandLine {
	config: RelayConfig;
	help: boolean;
}

/** Defaults, then the environment, then flags (`--port 0`, `--port=0`, `--open-creation`). */
export function configFromCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CommandLine {
	const overrides: Partial<RelayConfig> = {};
	for (const setting of settings) {
		const raw = env[setting.env];
		if (raw !== undefined) assign(overrides as RelayConfig, setting.key, parseValue(setting, raw, setting.env));
		const file = setting.secret ? env[`${setting.env}_FILE`] : undefined;
		if (file) {
			if (raw) throw new ConfigError(`Set ${setting.env} or ${setting.env}_FILE, not both.`);
			assign(overrides as RelayConfig, setting.key, parseValue(setting, readSecretFile(setting, file), `${setting.env}_FILE`));
		}
	}
	let help = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			help = true;
			continue;
		}
		const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const negated = name.startsWith('--no-') ? settings.find((s) => s.flag === `--${name.slice(5)}` && s.kind === 'boolean') : undefined;
		if (negated && inline === undefined) {
			assign(overrides as RelayConfig, negated.key, false);
			continue;
		}
		const setting = settings.find((s) => s.flag === name);
		if (!setting) throw new ConfigError(`Unknown option "${name}". Run with --help to see every setting.`);
		if (setting.secret) {
			throw new ConfigError(
				`${setting.flag} is not accepted on the command line, where anyone on this machine can read it (ps). ` +
					`Set ${setting.env} in the relay's environment, or write the token to a file only the relay can read and set ${setting.env}_FILE to its path.`
			);
		}
		let raw = inline;
		if (raw === undefined) {
			if (setting.kind === 'boolean') raw = 'true';
			else if (i + 1 < argv.length) raw = argv[++i];
			else throw new ConfigError(`${setting.flag} needs a value.`);
		}
		assign(overrides as RelayConfig, setting.key, parseValue(setting, raw, setting.flag));
	}
	return { config: resolveConfig(overrides), help };
}

function readSecretFile(setting: Setting, file: string): string {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new ConfigError(`${setting.env}_FILE: could not read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
	}
	const value = text.trim();
	if (!value) throw new ConfigError(`${setting.env}_FILE: ${file} is empty.`);
	return value;
}

/**
 * Flags that set `overrides` on the command line of a relay process (tests and benchmarks spawn one).
 * Secrets are left out: pass them with `environmentFor`.
 */
export function commandLineFor(overrides: Partial<RelayConfig>): string[] {
	const argv: string[] = [];
	for (const setting of settings) {
		const value = overrides[setting.key];
		if (value === undefined || setting.secret) continue;
		argv.push(`${setting.flag}=${value === null ? '' : String(value)}`);
	}
	return argv;
}

/** The environment variables that set the secrets among `overrides` for a relay process. */
export function environmentFor(overrides: Partial<RelayConfig>): Record<string, string> {
	const env: Record<string, string> = {};
	for (const setting of settings) {
		const value = overrides[setting.key];
		if (setting.secret && value !== undefined) env[setting.env] = value === null ? '' : String(value);
	}
	return env;
}

/** The `--help` text: every setting with its flag, environment variable and default. */
export function describeSettings(): string {
	const lines = ['Usage: npm start -- [options]', '', 'Every option can also be set by the environment variable shown.', ''];
	for (const s of settings) {
		if (s.secret) {
			lines.push(`  ${`${s.env}=<value> or ${s.env}_FILE=<file>`.padEnd(69)} default (none)`);
			lines.push(`      ${s.help}; from the environment or a file only (${s.flag} is refused: the command line is visible in ps)`);
			continue;
		}
		const value = defaultConfig[s.key];
		const shown = value === null || value === '' ? '(none)' : String(value);
		const kind = Array.isArray(s.kind) ? (s.kind as readonly string[]).join('|') : s.kind === 'boolean' ? '' : '<value>';
		const flag = s.kind === 'boolean' ? `--[no-]${s.flag.slice(2)}` : `${s.flag} ${kind}`;
		lines.push(`  ${flag.padEnd(44)} ${s.env.padEnd(24)} default ${shown}`);
		lines.push(`      ${s.help}`);
	}
	lines.push('', `  ${'--help'.padEnd(44)} show this text`);
	return lines.join('\n');
}

/**
 * The settings of a process started from the command line: a bad setting is told and exits 2,
 * `--help` prints `intro` and every setting and returns null.
 */
export function settingsOrExit(argv: readonly string[], intro = ''): RelayConfig | null {
	let commandLine: CommandLine;
	try {
		commandLine = configFromCommandLine(argv);
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		process.stderr.write(`${error.message}\n`);
		process.exit(2);
	}
	if (commandLine.help) {
		process.stdout.write(`${intro}${describeSettings()}\n`);
		return null;
	}
	return commandLine.config;
}
