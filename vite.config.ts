import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// Workers are ES modules, so they share chunks with the page.
	worker: { format: 'es' },
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
				// The same relay tests against a cluster member (PostgreSQL and Redis) instead of SQLite.
				extends: true,
				test: {
					name: 'integration-cluster',
					include: [
						'tests/integration/relay-sync.test.ts',
						'tests/integration/members.test.ts',
						'tests/integration/feeds.test.ts',
						'tests/integration/auth-relay.test.ts',
						'tests/integration/relay-hostile.test.ts'
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
					// One file at a time: a test stops and starts the machine's Redis.
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
