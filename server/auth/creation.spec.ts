// Creation rules: open on loopback, creation token or explicit open creation elsewhere.
import { describe, expect, it } from 'vitest';
import { resolveAuthConfig } from './config';
import { creationRule, isLoopbackHost, mayCreate } from './creation';

describe('isLoopbackHost', () => {
	it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1', 'LOCALHOST'])('%s is loopback', (host) => {
		expect(isLoopbackHost(host)).toBe(true);
	});
	it.each(['0.0.0.0', '::', '192.168.1.4', '10.0.0.1', 'example.org', '128.0.0.1', '127.example.org'])('%s is not', (host) => {
		expect(isLoopbackHost(host)).toBe(false);
	});
});

describe('creation rules', () => {
	it('are open on loopback by default', () => {
		const config = resolveAuthConfig({ host: '127.0.0.1' });
		expect(creationRule(config)).toBe('open');
		expect(mayCreate(config, null)).toBe(true);
	});

	it('are closed on a public address without a creation token', () => {
		const config = resolveAuthConfig({ host: '0.0.0.0' });
		expect(creationRule(config)).toBe('closed');
		expect(mayCreate(config, null)).toBe(false);
		expect(mayCreate(config, 'anything')).toBe(false);
	});

	it('need the creation token on a public address, or on loopback marked public', () => {
		for (const config of [
			resolveAuthConfig({ host: '0.0.0.0', createToken: 'let-me-create-groups-please' }),
			resolveAuthConfig({ host: '127.0.0.2', publicBind: true, createToken: 'let-me-create-groups-please' })
		]) {
			expect(creationRule(config)).toBe('create-token');
			expect(mayCreate(config, null)).toBe(false);
			expect(mayCreate(config, 'let-me-create-groups-pleas')).toBe(false);
			expect(mayCreate(config, 'let-me-create-groups-please')).toBe(true);
		}
	});

	it('are open anywhere when the operator says so', () => {
		const config = resolveAuthConfig({ host: '0.0.0.0', openCreation: true });
		expect(creationRule(config)).toBe('open');
		expect(mayCreate(config, null)).toBe(true);
	});

	it('treat an empty creation token as none', () => {
		const config = resolveAuthConfig({ host: '0.0.0.0', createToken: '' });
		expect(mayCreate(config, '')).toBe(false);
	});
});
