import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// Workers are ES modules, so they share chunks with the page.
	worker: { format: 'es' },
	// Profiles of the benchmark (`npm run bench -- --profile=DIR`) build the app unminified, so traces name its functions.
	build: { minify: process.env.COMMONPLACE_UNMINIFIED !== '1' },
	test: {
		reporters: ['default', './tests/helpers/summary-reporter.ts'],
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.spec.ts', 'server/**/*.spec.ts', 'extension/**/*.spec.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			},
			{
				// The same relay tests against a cluster member (PostgreSQL and Redis) instead of SQLite: every
				// file of tests/integration that exercises the relay. Left out: install-scripts (npm, no relay).
				// Registered in single mode only, each with its reason beside it: relay-hardening's "a full disk"
				// (MAX_DATABASE_BYTES is SQLite's page limit; a cluster refuses the setting) and relay-lifecycle's
				// SQLite online-backup test (the cluster's backup, by pg_dump, is made and restored in both modes
				// by relay-hardening's and auth-api's backup tests).
				extends: true,
				test: {
					name: 'integration-cluster',
					include: [
						'tests/integration/relay-sync.test.ts',
						'tests/integration/members.test.ts',
						'tests/integration/feeds.test.ts',
						'tests/integration/auth-relay.test.ts',
						'tests/integration/relay-hostile.test.ts',
						'tests/integration/relay-big-sync.test.ts',
						'tests/integration/relay-hardening.test.ts',
						'tests/integration/relay-lifecycle.test.ts',
						'tests/integration/relay-durability.test.ts',
						'tests/integration/auth-api.test.ts',
						'tests/integration/group-delete.test.ts',
						'tests/integration/page-info.test.ts',
						'tests/integration/relay-port.test.ts',
						'tests/integration/history.test.ts',
						'tests/integration/relay-moderation.test.ts'
					],
					environment: 'node',
					env: { RELAY_MODE: 'cluster' },
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			},
			{
				// Several relay processes sharing groups through the real PostgreSQL and Redis.
				extends: true,
				test: {
					name: 'cluster',
					include: ['tests/cluster/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 60_000,
					// One file at a time: each test runs three relay processes. The Redis restart test stops
					// and starts a redis-server of its own, never the machine's, which other projects use meanwhile.
					fileParallelism: false
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.e2e.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					testTimeout: 90_000,
					hookTimeout: 120_000,
					fileParallelism: false
				}
			}
		]
	}
});
