// Starts the SQLite store's worker thread (store-worker.ts) on demand and calls it: each request
// resolves with the worker's answer, in order. The thread keeps the process alive only while a
// request is outstanding, so a short-lived command that opens the store still exits by itself.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { GroupRegistration } from '../auth/store.ts';
import type { HistorySince, UpdateAuthor } from './types.ts';

export interface StoreWorkerData {
	file: string;
	synchronous: 'FULL' | 'NORMAL';
	maxPageCount: number;
	compactionPauseMs: number;
	/** Days of history kept (0: none); see history-policy.ts. */
	historyDays: number;
}

export type StoreRequest =
	| { op: 'append'; id: number; groupIds: string[]; updates: Uint8Array[]; authors: (UpdateAuthor | null)[]; registrations: GroupRegistration[] }
	| { op: 'compact'; id: number; groupId: string }
	| { op: 'history'; id: number; groupId: string; since?: HistorySince }
	| { op: 'remove'; id: number; groupId: string };

export type StoreReply =
	| { id: number; ok: true; value: unknown }
	| { id: number; ok: false; error: { message: string; code?: string } }
	| { event: 'compaction-started'; groupId: string };

type WithoutId<T> = T extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Starts a worker thread from `name` (without extension) beside the module at `here`: the `.mjs`
 * in the bundle, or the `.ts` in the sources (tests, scripts run with tsx), registering tsx first.
 */
export function startModuleWorker(here: string, name: string, data: unknown, options: WorkerOptions = {}): Worker {
	if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.mjs`, here), { ...options, workerData: data });
	const tsxRoot = dirname(createRequire(fileURLToPath(here)).resolve('tsx/package.json'));
	const tsx = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
	const worker = new URL(`./${name}.ts`, here).href;
	const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); })`;
	return new Worker(boot, { ...options, eval: true, workerData: data });
}

function startWorker(data: StoreWorkerData): Worker {
	return startModuleWorker(import.meta.url, 'store-worker', data);
}

/** The young generation of the writer thread's heap, in MiB (V8's default grows to tens of MiB). */
export const WRITER_YOUNG_GENERATION_MB = 2;

/**
 * The store's writer thread: the objects of its messages are small and short-lived (an update's
 * bytes live outside the heap), so a small young generation serves it and keeps it from holding
 * many MiB after a burst (2,000 new groups at once: 6 to 9 MiB less). Compaction, which builds big
 * docs, runs on a thread with V8's default.
 */
export function startWriterThread(data: StoreWorkerData): Worker {
	return startModuleWorker(import.meta.url, 'store-worker', data, { resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } });
}

/** Calls a worker thread: each request posted with an id, each answer `{ id, ok, value | error }`. */
export class StoreThread<Data = StoreWorkerData, Request extends { id: number } = StoreRequest> {
	#worker: Worker | null = null;
	#nextId = 1;
	readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();

	constructor(
		private readonly data: () => Data,
		private readonly onCompactionStart?: (groupId: string) => void,
		private readonly start: (data: Data) => Worker = startWorker as unknown as (data: Data) => Worker
	) {}

	/** Sends a request (with `transfer`: buffers handed over, not copied); resolves with the answer. */
	call<T>(request: WithoutId<Request>, transfer: ArrayBuffer[] = []): Promise<T> {
		const worker = this.#start();
		const id = this.#nextId++;
		if (this.#pending.size === 0) worker.ref();
		return new Promise<T>((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			worker.postMessage({ ...request, id }, transfer);
		});
	}

	get busy(): boolean {
		return this.#pending.size > 0;
	}

	/** Lets the worker finish what it was sent, then stops it. */
	async close(): Promise<void> {
		const worker = this.#worker;
		if (!worker) return;
		this.#worker = null;
		const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
		worker.ref();
		worker.postMessage({ op: 'close' });
		await exited;
	}

	#start(): Worker {
		if (this.#worker) return this.#worker;
		const worker = this.start(this.data());
		worker.unref();
		worker.on('message', (reply: StoreReply) => {
			if ('event' in reply) return this.onCompactionStart?.(reply.groupId);
			const pending = this.#pending.get(reply.id);
			if (!pending) return;
			this.#pending.delete(reply.id);
			if (this.#pending.size === 0) worker.unref();
			if (reply.ok) pending.resolve(reply.value);
			else pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
		});
		const fail = (error: unknown) => {
			if (this.#worker === worker) this.#worker = null;
			for (const pending of this.#pending.values()) pending.reject(error);
			this.#pending.clear();
		};
		worker.on('error', fail);
		worker.on('exit', (code) => fail(new Error(`The storage thread stopped (exit code ${code}).`)));
		this.#worker = worker;
		return worker;
	}
}
