// The cluster's tables in PostgreSQL, in one schema per cluster (CLUSTER_NAME): groups' snapshots
// and update logs, and the access-control tables the single relay keeps in SQLite.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

pg.types.setTypeParser(20, (value) => Number(value));

const TABLES = `
CREATE TABLE IF NOT EXISTS group_snapshots (
	group_id TEXT PRIMARY KEY,
	body BYTEA NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS group_updates (
	seq BIGSERIAL PRIMARY KEY,
	group_id TEXT NOT NULL,
	body BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS group_updates_by_group ON group_updates (group_id, seq);
ALTER TABLE group_updates ADD COLUMN IF NOT EXISTS token_id TEXT;
ALTER TABLE group_updates ADD COLUMN IF NOT EXISTS member_name TEXT;
ALTER TABLE group_updates ADD COLUMN IF NOT EXISTS at BIGINT;
CREATE TABLE IF NOT EXISTS group_history (
	seq BIGINT PRIMARY KEY,
	group_id TEXT NOT NULL,
	body BYTEA NOT NULL,
	token_id TEXT,
	member_name TEXT,
	at BIGINT
);
CREATE INDEX IF NOT EXISTS group_history_by_group ON group_history (group_id, seq);
CREATE TABLE IF NOT EXISTS group_checkpoints (
	group_id TEXT NOT NULL,
	through_seq BIGINT NOT NULL,
	at BIGINT NOT NULL,
	body BYTEA NOT NULL,
	PRIMARY KEY (group_id, through_seq)
);
CREATE TABLE IF NOT EXISTS group_sizes (
	group_id TEXT PRIMARY KEY,
	log_updates BIGINT NOT NULL DEFAULT 0,
	log_bytes BIGINT NOT NULL DEFAULT 0,
	snapshot_bytes BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS auth_secret (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	secret BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_groups (
	group_id TEXT PRIMARY KEY,
	name TEXT,
	created_at BIGINT NOT NULL,
	feed_generation INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS auth_tokens (
	ord BIGSERIAL,
	id TEXT PRIMARY KEY,
	group_id TEXT NOT NULL REFERENCES auth_groups(group_id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
	hash BYTEA NOT NULL UNIQUE,
	label TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	revoked_at BIGINT,
	kind TEXT NOT NULL DEFAULT 'member',
	max_uses INTEGER,
	used_at BIGINT,
	invite_id TEXT,
	last_seen_at BIGINT
);
CREATE INDEX IF NOT EXISTS auth_tokens_group ON auth_tokens(group_id);
CREATE TABLE IF NOT EXISTS auth_revocations (
	seq BIGSERIAL PRIMARY KEY,
	group_id TEXT NOT NULL,
	token_id TEXT NOT NULL,
	cause TEXT NOT NULL DEFAULT 'revoked'
);
CREATE TABLE IF NOT EXISTS auth_deleted_groups (
	group_id TEXT PRIMARY KEY,
	deleted_at BIGINT NOT NULL
);
`;

/** A pool whose connections work in the cluster's schema. */
export function openPool(connectionString: string, schema: string, max = 8): pg.Pool {
	const pool = new pg.Pool({ connectionString, max, options: `-c search_path=${schema}` });
	// An idle connection that breaks (PostgreSQL restarted) is replaced on the next query.
	pool.on('error', () => {});
	return pool;
}

/** Creates the cluster's schema and tables when they are missing; safe for processes starting together. */
export async function migrate(connectionString: string, schema: string): Promise<void> {
	const client = new pg.Client({ connectionString });
	await client.connect();
	try {
		// One process at a time: CREATE ... IF NOT EXISTS races with itself in PostgreSQL.
		await client.query('SELECT pg_advisory_lock(hashtext($1))', [`commonplace-migrate:${schema}`]);
		await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
		await client.query(`SET search_path TO "${schema}"`);
		await client.query(TABLES);
		await client.query('INSERT INTO auth_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomBytes(32)]);
		await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`commonplace-migrate:${schema}`]);
	} finally {
		await client.end();
	}
}

/** Removes the cluster's schema and everything in it (tests clean up with it). */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
	const client = new pg.Client({ connectionString });
	await client.connect();
	try {
		await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	} finally {
		await client.end();
	}
}
