import { describe, expect, it } from 'vitest';
import { dumpArguments, libpqEnvironment } from './backup.ts';

describe('the cluster backup', () => {
	it('reaches PostgreSQL through libpq variables, never with the URL on the command line', () => {
		expect(libpqEnvironment('postgres://commonplace:p%40ss@db.example.org:6543/relay?sslmode=require')).toEqual({
			PGHOST: 'db.example.org',
			PGPORT: '6543',
			PGUSER: 'commonplace',
			PGPASSWORD: 'p@ss',
			PGDATABASE: 'relay',
			PGSSLMODE: 'require'
		});
		expect(libpqEnvironment('postgresql://postgres@[::1]/test')).toEqual({ PGHOST: '::1', PGUSER: 'postgres', PGDATABASE: 'test' });
		expect(libpqEnvironment('postgres:///relay?host=/run/postgresql')).toMatchObject({ PGHOST: '/run/postgresql', PGDATABASE: 'relay' });
		expect(() => libpqEnvironment('mysql://x@y/z')).toThrow(/postgres:\/\//);
		expect(dumpArguments('club').join(' ')).toBe('--format=custom --schema=club --exclude-table-data=club.auth_secret');
	});
});
