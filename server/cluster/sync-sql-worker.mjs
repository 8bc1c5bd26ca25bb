// The thread behind sync-sql.ts: runs each query it is sent on one PostgreSQL connection and wakes
// the waiting thread when the answer is posted. Plain JavaScript so it starts without a TypeScript loader.
import { workerData } from 'node:worker_threads';
import pg from 'pg';

const { connectionString, schema, signal, port } = workerData;
const flag = new Int32Array(signal);
pg.types.setTypeParser(20, (value) => Number(value));

let client = null;

async function connected() {
	if (client) return client;
	const next = new pg.Client({ connectionString });
	next.on('error', () => {
		if (client === next) client = null;
	});
	await next.connect();
	await next.query(`SET search_path TO "${schema}"`);
	client = next;
	return next;
}

function answer(reply) {
	port.postMessage(reply);
	Atomics.store(flag, 0, 1);
	Atomics.notify(flag, 0);
}

port.on('message', async ({ sql, params }) => {
	try {
		const db = await connected();
		const values = params.map((value) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value));
		const result = await db.query(sql, values);
		answer({ rows: result.rows, rowCount: result.rowCount ?? 0 });
	} catch (error) {
		if (client && error && typeof error === 'object' && !('code' in error && typeof error.code === 'string' && error.code.length === 5)) {
			// Not an SQL error (the connection broke): the next query opens a new connection.
			client.end().catch(() => {});
			client = null;
		}
		answer({ error: { message: error instanceof Error ? error.message : String(error), code: error?.code ?? null } });
	}
});
