// A raw WebSocket to a server under load, for the benches that send ready-made messages instead of
// running Yjs clients.
import { WebSocket } from 'ws';

/** Resolves once the socket is open; rejects on an error or a refused upgrade (with its HTTP status). */
export function openSocket(url: string): Promise<WebSocket> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(url);
		socket.once('open', () => resolve(socket));
		socket.once('error', reject);
		socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with HTTP ${res.statusCode}`)));
	});
}
