// The history thread: replays a group's history and builds timelines and versions, so a big
// group's replay never holds the relay's event loop. One request at a time, in order.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { unpackHistory } from '../../src/lib/history/packed.ts';
import { buildTimeline, versionAt } from '../../src/lib/history/timeline.ts';
import type { HistoryRequest } from './thread.ts';

const port = parentPort as MessagePort;

port.on('message', (message: HistoryRequest | { op: 'close' }) => {
	if (message.op === 'close') {
		port.close();
		return;
	}
	try {
		const input = unpackHistory(message.input);
		const value = message.op === 'timeline' ? buildTimeline(input, message.query) : versionAt(input, message.itemId, message.seq);
		port.postMessage({ id: message.id, ok: true, value });
	} catch (error) {
		port.postMessage({ id: message.id, ok: false, error: { message: String((error as Error)?.message ?? error) } });
	}
});
