// The export thread: turns a group's stored updates into an export file, so that exporting a big
// group (about 3 s to apply the benchmark's big group and 1 s to write it) never holds the relay's
// event loop. One request at a time, in order; nothing is kept between requests.
import * as Y from 'yjs';
import { exportGroup } from '../../src/lib/interchange/index.ts';
import { hasGroup } from '../../src/lib/model/index.ts';
import { answerRequests } from '../persistence/answer-requests.ts';
import type { ExportFile, ExportRequest } from './thread.ts';

const encoder = new TextEncoder();

function handle(message: ExportRequest): ExportFile | null {
	const doc = new Y.Doc();
	doc.transact(() => {
		for (const update of message.updates) Y.applyUpdate(doc, update);
	});
	if (!hasGroup(doc)) return null;
	try {
		const file = exportGroup(doc, message.format);
		// Encoded here and handed over, so the event loop neither copies nor encodes the file.
		return { ok: true, ...file, body: encoder.encode(file.body) };
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return { ok: false, status: 500, error: `The export failed: ${reason}` };
	}
}

answerRequests(handle, (file) => (file?.ok ? [file.body.buffer as ArrayBuffer] : []));
