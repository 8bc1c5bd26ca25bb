// The relay's configuration: defaults, then environment, then flags; clear errors; --help lists all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, commandLineFor, configFromCommandLine, defaultConfig, describeSettings, environmentFor, isClusterMember } from './config.ts';

describe('relay configuration', () => {
	it('has sane defaults: loopback, 8080, ./data and a 1 MiB message limit', () => {
		const { config, help } = configFromCommandLine([], {});
		expect(config).toEqual(defaultConfig);
		expect(help).toBe(false);
		expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data', maxPayloadBytes: 1_048_576 });
	});

	it('takes the environment over defaults, and flags over the environment', () => {
		const env = { PORT: '9000', DATA_DIR: '/srv/commonplace', OPEN_CREATION: 'yes', MAX_PAYLOAD_BYTES: '65_536' };
		expect(configFromCommandLine([], env).config).toMatchObject({ port: 9000, dataDir: '/srv/commonplace', openCreation: true, maxPayloadBytes: 65_536 });
		const { config } = configFromCommandLine(['--port', '0', '--data-dir=/tmp/x', '--no-open-creation', '--trust-proxy', '--log-level', 'warn'], env);
		expect(config).toMatchObject({ port: 0, dataDir: '/tmp/x', openCreation: false, trustProxy: true, logLevel: 'warn' });
	});

	it('refuses bad values and unknown options with a message that says what to do', () => {
		expect(() => configFromCommandLine(['--port', 'eighty'], {})).toThrow(/--port must be a number/);
		expect(() => configFromCommandLine([], { PORT: '70000' })).toThrow(ConfigError);
		expect(() => configFromCommandLine(['--log-level', 'loud'], {})).toThrow(/one of debug, info, warn, error, silent/);
		expect(() => configFromCommandLine(['--colour'], {})).toThrow(/Unknown option "--colour". Run with --help/);
		expect(() => configFromCommandLine(['--host'], {})).toThrow(/--host needs a value/);
		expect(() => configFromCommandLine([], { OPEN_CREATION: 'maybe' })).toThrow(/true or false/);
	});

	it('--help lists every setting with its flag and environment variable', () => {
		expect(configFromCommandLine(['--help'], {}).help).toBe(true);
		const text = describeSettings();
		for (const key of Object.keys(defaultConfig)) {
			const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
			const env = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
			expect(text).toMatch(new RegExp(`--(\\[no-\\])?${flag}\\b`));
			expect(text).toContain(env);
		}
	});

	it('turns overrides back into flags that read back the same', () => {
		const overrides = { port: 0, createToken: null, openCreation: true, compactAfterUpdates: 15, dataDir: '/tmp/d' };
		expect(configFromCommandLine(commandLineFor(overrides), {}).config).toMatchObject(overrides);
	});

	it('takes the creation token from the environment or a file, never from a flag', () => {
		expect(() => configFromCommandLine(['--create-token=abc'], {})).toThrow(ConfigError);
		expect(() => configFromCommandLine(['--create-token', 'abc'], {})).toThrow(/CREATE_TOKEN_FILE/);
		expect(configFromCommandLine([], { CREATE_TOKEN: 'from-env' }).config.createToken).toBe('from-env');
		const dir = mkdtempSync(join(tmpdir(), 'commonplace-config-'));
		try {
			writeFileSync(join(dir, 'token'), '  from-file\n');
			expect(configFromCommandLine([], { CREATE_TOKEN_FILE: join(dir, 'token') }).config.createToken).toBe('from-file');
			expect(() => configFromCommandLine([], { CREATE_TOKEN_FILE: join(dir, 'missing') })).toThrow(/could not read/);
			expect(() => configFromCommandLine([], { CREATE_TOKEN: 'a', CREATE_TOKEN_FILE: join(dir, 'token') })).toThrow(/not both/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		expect(commandLineFor({ createToken: 'secret' })).toEqual([]);
		expect(environmentFor({ createToken: 'secret' })).toEqual({ CREATE_TOKEN: 'secret' });
	});

	it('makes a cluster member only with both REDIS_URL and DATABASE_URL, and says which one is missing', () => {
		const both = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://postgres@127.0.0.1/test' };
		const config = configFromCommandLine([], both).config;
		expect(isClusterMember(config)).toBe(true);
		expect(config.clusterName).toBe('commonplace');
		expect(isClusterMember(configFromCommandLine([], {}).config)).toBe(false);
		expect(() => configFromCommandLine([], { REDIS_URL: both.REDIS_URL })).toThrow(/only REDIS_URL is set/);
		expect(() => configFromCommandLine([], { DATABASE_URL: both.DATABASE_URL })).toThrow(/only DATABASE_URL is set/);
		// URLs may carry passwords: the environment (or a file) only, like the creation token.
		expect(() => configFromCommandLine(['--redis-url=redis://x'], {})).toThrow(/REDIS_URL_FILE/);
		expect(() => configFromCommandLine(['--cluster-name=Bad-Name'], both)).toThrow(/CLUSTER_NAME/);
		expect(configFromCommandLine(['--demo'], both).config.demo).toBe(true);
		expect(() => configFromCommandLine(['--max-database-bytes=1000'], both)).toThrow(/SQLite file; a cluster keeps its data in PostgreSQL/);
		const help = describeSettings();
		expect(help).toContain('REDIS_URL=<value> or REDIS_URL_FILE=<file>');
		expect(help).toContain('DATABASE_URL=<value> or DATABASE_URL_FILE=<file>');
	});
});
