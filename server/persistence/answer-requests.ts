// The worker's side of a StoreThread (store-thread.ts) that answers one request at a time, in
// order: each answer, or its error, goes back with the request's id; 'close' ends the thread.
import { parentPort, type MessagePort } from 'node:worker_threads';

export function answerRequests<Request extends { id: number; op: string }, Answer>(
	handle: (request: Request) => Answer,
	/** Buffers of an answer to hand over instead of copying. */
	transferOf: (answer: Answer) => ArrayBuffer[] = () => []
): void {
	const port = parentPort as MessagePort;
	port.on('message', (message: Request | { op: 'close' }) => {
		if (message.op === 'close') {
			port.close();
			return;
		}
		const { id } = message as Request;
		try {
			const value = handle(message as Request);
			port.postMessage({ id, ok: true, value }, transferOf(value));
		} catch (error) {
			port.postMessage({ id, ok: false, error: { message: String((error as Error)?.message ?? error) } });
		}
	});
}
