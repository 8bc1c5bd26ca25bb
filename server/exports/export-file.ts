// Renders a group's export file for the HTTP API with the app's interchange module (on the export thread).
import type * as Y from 'yjs';
import { exportGroup, isExportFormat } from '../../src/lib/interchange/index.ts';

export type ExportResult =
	| { ok: true; body: string; contentType: string; filename: string }
	| { ok: false; status: number; error: string };

export function exportGroupFile(doc: Y.Doc, format: string): ExportResult {
	if (!isExportFormat(format)) {
		return { ok: false, status: 400, error: 'Choose an export format: json, html, jsonld or csv.' };
	}
	try {
		return { ok: true, ...exportGroup(doc, format) };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return { ok: false, status: 500, error: `The export failed: ${message}` };
	}
}
