// CSV (RFC 4180: CRLF, quoted fields) in Diigo's column order, so spreadsheets and Diigo-style
// importers both read it; cells that a spreadsheet would run as a formula are defused.
import Papa from 'papaparse';
import type * as Y from 'yjs';
import { listMembers, newestFirst, readAllItems } from '../../model/index';

export const CSV_COLUMNS = ['title', 'url', 'tags', 'description', 'comments', 'annotations', 'created_at', 'site', 'saved_by'];

export function exportCsv(doc: Y.Doc): string {
	const names = new Map(listMembers(doc).map((m) => [m.id, m.name]));
	const rows = readAllItems(doc)
		.filter((item) => item.deletedAt === null)
		.sort(newestFirst)
		.map((item) => [
			item.title,
			item.url,
			item.tags.join(','),
			item.description,
			item.notes.map((n) => n.text).join('\n\n'),
			// One highlight per line, marked as Diigo marks them.
			item.highlights.map((h) => `Highlight: ${h.exact.replace(/\s*\n\s*/g, ' ')}`).join('\n'),
			new Date(item.createdAt).toISOString(),
			item.site,
			names.get(item.createdBy) ?? ''
		]);
	return Papa.unparse({ fields: CSV_COLUMNS, data: rows }, { newline: '\r\n', escapeFormulae: true }) + '\r\n';
}
