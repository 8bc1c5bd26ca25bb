// The relay's words when it cannot start.
import { describe, expect, it } from 'vitest';
import { describeStartupError } from './startup-errors.ts';

const failure = (code: string) => Object.assign(new Error(`listen ${code}: 127.0.0.1:8080`), { code });

describe('describeStartupError', () => {
	it('says the port is taken and how to pick another', () => {
		const words = describeStartupError(failure('EADDRINUSE'), { host: '127.0.0.1', port: 8080 });
		expect(words).toContain('port 8080 on 127.0.0.1 is already in use');
		expect(words).toContain('PORT=8081 npm start');
		expect(words).toContain('--port 8081');
	});

	it('says when the port is not allowed or the host is not this machine', () => {
		expect(describeStartupError(failure('EACCES'), { host: '0.0.0.0', port: 80 })).toContain('PORT=81 npm start');
		expect(describeStartupError(failure('EADDRNOTAVAIL'), { host: '10.9.9.9', port: 8080 })).toContain('HOST=127.0.0.1');
	});

	it('passes on any other cause in its own words', () => {
		expect(describeStartupError(new Error('The data folder cannot be written.'), { host: '127.0.0.1', port: 8080 })).toBe(
			'The relay could not start: The data folder cannot be written.'
		);
	});
});
