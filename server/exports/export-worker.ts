// The export thread: turns a group's stored updates into an export file, so that exporting a big
// group (about 3 s to apply the benchmark's big group and 1 s to write it) never holds the relay's
// event loop. One request at a time, in order; nothing is kept between requests.
import { parentPort, type MessagePort } from 'node:worker_threads';
import * as Y from 'yjs';
import { hasGroup } from '../../src/lib/model/index.ts';
import { exportGroupFile } from './export-file.ts';
import type { ExportFile, ExportRequest } from './thread.ts';

const port = parentPort as MessagePort;

const encoder = new TextEncoder();

function handle(message: ExportRequest): ExportFile | null {
	const doc = new Y.Doc();
	doc.transact(() => {
		for (const update of message.updates) Y.applyUpdate(doc, update);
	});
	if (!hasGroup(doc)) return null;
	const file = exportGroupFile(doc, message.format);
	// Encoded here and handed over, so the event loop neither copies nor encodes the file.
	return file.ok ? { ...file, body: encoder.encode(file.body) } : file;
}

port.on('message', (message: ExportRequest | { op: 'close' }) => {
	if (message.op === 'close') {
		port.close();
		return;
	}
	try {
		const value = handle(message);
		port.postMessage({ id: message.id, ok: true, value }, value?.ok ? [value.body.buffer as ArrayBuffer] : []);
	} catch (error) {
		port.postMessage({ id: message.id, ok: false, error: { message: String((error as Error)?.message ?? error) } });
	}
});
