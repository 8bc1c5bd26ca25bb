// Backup of a cluster: its PostgreSQL schema (CLUSTER_NAME) written by pg_dump in its custom format,
// consistent while the relays run. Like the SQLite backup, it leaves out the relay's secret (the key
// feed tokens are derived from): a cluster restored from it makes a new secret, so feed links are re-keyed.
// Redis is not backed up: it holds nothing that is not in PostgreSQL.
import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The pg_dump arguments for the cluster's schema, the secret's rows left out (shown to operators too). */
export function dumpArguments(clusterName: string): string[] {
	return ['--format=custom', `--schema=${clusterName}`, `--exclude-table-data=${clusterName}.auth_secret`];
}

/**
 * libpq's environment for a postgres:// URL, so pg_dump reaches the database without the URL (and
 * its password) on a command line that every user of the machine can read.
 */
export function libpqEnvironment(databaseUrl: string): Record<string, string> {
	let url: URL;
	try {
		url = new URL(databaseUrl);
	} catch {
		throw new Error('DATABASE_URL is not a postgres:// address.');
	}
	if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('DATABASE_URL is not a postgres:// address.');
	const env: Record<string, string> = {};
	const set = (name: string, value: string | null) => {
		if (value) env[name] = value;
	};
	set('PGHOST', url.hostname.replace(/^\[(.*)\]$/, '$1'));
	set('PGPORT', url.port);
	set('PGUSER', decodeURIComponent(url.username));
	set('PGPASSWORD', decodeURIComponent(url.password));
	set('PGDATABASE', decodeURIComponent(url.pathname.slice(1)));
	// Settings given as parameters (?sslmode=require, ?host=/run/postgresql) have a libpq variable each.
	const params: Record<string, string> = { host: 'PGHOST', port: 'PGPORT', user: 'PGUSER', password: 'PGPASSWORD', dbname: 'PGDATABASE', sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', application_name: 'PGAPPNAME' };
	for (const [key, value] of url.searchParams) if (params[key]) set(params[key], value);
	return env;
}

/** Writes the cluster's schema to `destination` with pg_dump; resolves with the file and its size. */
export async function backupCluster(databaseUrl: string, clusterName: string, destination: string): Promise<{ file: string; bytes: number }> {
	const file = resolve(destination);
	mkdirSync(dirname(file), { recursive: true });
	const args = [...dumpArguments(clusterName), `--file=${file}`];
	try {
		// Only the libpq variables from the URL: none of the caller's own PG* settings leak in.
		const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
		await run('pg_dump', args, { env: { ...inherited, ...libpqEnvironment(databaseUrl) } });
	} catch (error) {
		const failure = error as NodeJS.ErrnoException & { stderr?: string };
		if (failure.code === 'ENOENT') {
			throw new Error(
				`pg_dump was not found. Install PostgreSQL's client tools (Debian: apt-get install postgresql-client), ` +
					`or back up the cluster where they are: pg_dump ${dumpArguments(clusterName).join(' ')} "$DATABASE_URL" > ${destination}`
			);
		}
		throw new Error(`pg_dump could not back up the cluster: ${(failure.stderr ?? failure.message).trim()}`);
	}
	return { file, bytes: statSync(file).size };
}
