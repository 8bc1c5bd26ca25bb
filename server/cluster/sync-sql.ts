// Synchronous PostgreSQL queries for the access-control store, whose callers (the upgrade handler,
// the owner API) are synchronous as they are on SQLite: a worker thread runs each query on its own
// connection while this thread waits for the answer, as a SQLite call waits for its disk.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface SqlResult<Row> {
	rows: Row[];
	rowCount: number;
}

export class SqlError extends Error {
	override name = 'SqlError';
	constructor(
		message: string,
		readonly code: string | null
	) {
		super(message);
	}
}

/** How long one query may take before the caller is told PostgreSQL is not answering. */
const QUERY_TIMEOUT_MS = 10_000;

export class SyncSql {
	readonly #worker: Worker;
	readonly #port: MessagePort;
	readonly #flag: Int32Array;
	#depth = 0;

	constructor(connectionString: string, schema: string) {
		const signal = new SharedArrayBuffer(4);
		this.#flag = new Int32Array(signal);
		const { port1, port2 } = new MessageChannel();
		this.#port = port1;
		this.#worker = new Worker(new URL('./sync-sql-worker.mjs', import.meta.url), {
			workerData: { connectionString, schema, signal, port: port2 },
			transferList: [port2]
		});
		this.#worker.unref();
	}

	query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): SqlResult<Row> {
		Atomics.store(this.#flag, 0, 0);
		this.#port.postMessage({ sql, params });
		if (Atomics.wait(this.#flag, 0, 0, QUERY_TIMEOUT_MS) === 'timed-out') {
			throw new SqlError('PostgreSQL did not answer in time. Check that it is running and reachable.', null);
		}
		const reply = receiveMessageOnPort(this.#port)?.message as
			| { rows: Row[]; rowCount: number }
			| { error: { message: string; code: string | null } }
			| undefined;
		if (!reply) throw new SqlError('PostgreSQL gave no answer.', null);
		if ('error' in reply) throw new SqlError(reply.error.message, reply.error.code);
		return reply;
	}

	/** Runs `fn` in one transaction (nested calls join the outer one); a throw rolls it back. */
	transaction<T>(fn: () => T): T {
		if (this.#depth > 0) return fn();
		this.query('BEGIN');
		this.#depth++;
		try {
			const result = fn();
			this.query('COMMIT');
			return result;
		} catch (error) {
			try {
				this.query('ROLLBACK');
			} catch {
				// The connection broke: PostgreSQL rolled it back already.
			}
			throw error;
		} finally {
			this.#depth--;
		}
	}

	close(): void {
		void this.#worker.terminate();
	}
}
