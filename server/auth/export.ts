// Renders a group's export file for the HTTP API through the app's interchange module.
import type * as Y from 'yjs';

export type ExportFormat = 'json' | 'html' | 'jsonld' | 'csv';
const FORMATS: readonly string[] = ['json', 'html', 'jsonld', 'csv'];

type ExportResult =
	| { ok: true; body: string; contentType: string; filename: string }
	| { ok: false; status: number; error: string };

type ExportGroup = (doc: Y.Doc, format: ExportFormat) => { body: string; contentType: string; filename: string };

// Loaded on first use so the relay starts even while the interchange module is missing or broken.
const interchangeUrl = new URL('../../src/lib/interchange/index.ts', import.meta.url).href;
let exporter: Promise<ExportGroup | null> | null = null;

function loadExporter(): Promise<ExportGroup | null> {
	exporter ??= import(/* @vite-ignore */ interchangeUrl).then(
		(module: { exportGroup?: ExportGroup }) => (typeof module.exportGroup === 'function' ? module.exportGroup : null),
		() => null
	);
	return exporter;
}

export async function exportGroupFile(doc: Y.Doc, format: string): Promise<ExportResult> {
	if (!FORMATS.includes(format)) {
		return { ok: false, status: 400, error: 'Choose an export format: json, html, jsonld or csv.' };
	}
	const exportGroup = await loadExporter();
	if (!exportGroup) {
		exporter = null; // try again next time: the module may be there later
		return { ok: false, status: 501, error: 'This relay cannot export groups yet; export from the app instead.' };
	}
	try {
		return { ok: true, ...exportGroup(doc, format as ExportFormat) };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return { ok: false, status: 500, error: `The export failed: ${message}` };
	}
}
