// The export formats by name, apart from the writers, for code that only checks a name (the relay's
// API, before it hands the work to its export thread).
export type ExportFormat = 'json' | 'html' | 'jsonld' | 'csv';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'html', 'jsonld', 'csv'];

export function isExportFormat(value: unknown): value is ExportFormat {
	return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}
