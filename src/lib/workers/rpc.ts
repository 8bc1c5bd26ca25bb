// A small typed request/answer channel between the page and a dedicated worker: the worker serves
// an object of functions, the page calls them by name and gets a promise of the answer. Bytes can
// be moved instead of copied (`transfer`). One file, so both sides share the message shapes.

/** The functions a worker serves; each answers a value or a promise of one. */
export type Handlers = Record<string, (...args: never[]) => unknown>;

interface Request {
	id: number;
	name: string;
	args: unknown[];
}

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const TRANSFER = Symbol('transfer');

/** An answer (or an argument) whose buffers are moved to the other side rather than copied. */
export function transfer<T>(value: T, buffers: ArrayBufferLike[]): T {
	return { [TRANSFER]: buffers, value } as unknown as T;
}

function unwrap(value: unknown): { value: unknown; buffers: Transferable[] } {
	if (value && typeof value === 'object' && TRANSFER in value) {
		const wrapped = value as { [TRANSFER]: Transferable[]; value: unknown };
		return { value: wrapped.value, buffers: wrapped[TRANSFER] };
	}
	return { value, buffers: [] };
}

/** In the worker: answers the page's calls with `handlers`, one at a time in the order they came. */
export function serve(handlers: Handlers, scope: { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown, transfer: Transferable[]): void }): void {
	let chain: Promise<unknown> = Promise.resolve();
	scope.onmessage = (event: MessageEvent<Request>) => {
		const { id, name, args } = event.data;
		chain = chain.then(async () => {
			try {
				const handler = handlers[name] as ((...a: unknown[]) => unknown) | undefined;
				if (!handler) throw new Error(`no such call: ${name}`);
				const { value, buffers } = unwrap(await handler(...args));
				scope.postMessage({ id, ok: true, value } satisfies Answer, buffers);
			} catch (error) {
				scope.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Answer, []);
			}
		});
	};
}

export interface Remote<H extends Handlers> {
	call<K extends keyof H & string>(name: K, ...args: Parameters<H[K]>): Promise<Awaited<ReturnType<H[K]>>>;
	close(): void;
}

/** On the page: calls the worker's functions; every call still waiting is rejected when it fails or is closed. */
export function connect<H extends Handlers>(worker: Worker): Remote<H> {
	let next = 0;
	const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
	const failAll = (message: string) => {
		for (const w of waiting.values()) w.reject(new Error(message));
		waiting.clear();
	};
	worker.onmessage = (event: MessageEvent<Answer>) => {
		const answer = event.data;
		const w = waiting.get(answer.id);
		if (!w) return;
		waiting.delete(answer.id);
		if (answer.ok) w.resolve(answer.value);
		else w.reject(new Error(answer.error));
	};
	worker.onerror = (event) => {
		event.preventDefault?.();
		failAll(event.message || 'the worker failed');
	};
	return {
		call(name, ...args) {
			const id = ++next;
			const unwrapped = (args as unknown[]).map(unwrap);
			return new Promise((resolve, reject) => {
				waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
				worker.postMessage({ id, name, args: unwrapped.map((u) => u.value) } satisfies Request, unwrapped.flatMap((u) => u.buffers));
			});
		},
		close() {
			worker.terminate();
			failAll('the worker was closed');
		}
	};
}
