// CSV (RFC 4180: CRLF, quoted fields) in Diigo's column order, so spreadsheets and Diigo-style
// importers both read it, then our own columns: the site, who saved it, and every highlight and note
// as JSON, so that importing the file back loses nothing a row can hold. Cells that a spreadsheet
// would run as a formula are defused.
import Papa from 'papaparse';
import type * as Y from 'yjs';
import { listMembers, newestFirst, readAllItems } from '../../model/index';
import { joinDiigoTags } from '../import/diigo-csv';

export const CSV_COLUMNS = [
	'title',
	'url',
	'tags',
	'description',
	'comments',
	'annotations',
	'created_at',
	'site',
	'saved_by',
	'saved_by_id',
	'image',
	'highlights_json',
	'notes_json'
];

/** A leading quote tells a spreadsheet "text, not a formula"; import/diigo-csv.ts takes one off again. */
function defuse(cell: string): string {
	return /^'*[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function iso(ms: number | null): string | null {
	return ms === null ? null : new Date(ms).toISOString();
}

export function exportCsv(doc: Y.Doc): string {
	const names = new Map(listMembers(doc).map((m) => [m.id, m.name]));
	const rows = readAllItems(doc)
		.filter((item) => item.deletedAt === null)
		.sort(newestFirst)
		.map((item) =>
			[
				item.title,
				item.url,
				joinDiigoTags(item.tags),
				item.description,
				item.notes.map((n) => n.text).join('\n\n'),
				// One highlight per line, marked as Diigo marks them, for people and other tools.
				item.highlights.map((h) => `Highlight: ${h.exact}`).join('\n'),
				new Date(item.createdAt).toISOString(),
				item.site,
				names.get(item.createdBy) ?? '',
				item.createdBy,
				item.image,
				item.highlights.length
					? JSON.stringify(
							item.highlights.map((h) => ({
								id: h.id,
								exact: h.exact,
								prefix: h.prefix,
								suffix: h.suffix,
								...(h.position ? { position: { start: h.position.start, end: h.position.end } } : {}),
								note: h.note,
								created_at: iso(h.createdAt),
								by: h.createdBy,
								by_name: names.get(h.createdBy) ?? ''
							}))
						)
					: '',
				item.notes.length
					? JSON.stringify(
							item.notes.map((n) => ({
								id: n.id,
								text: n.text,
								created_at: iso(n.createdAt),
								edited_at: iso(n.editedAt),
								by: n.createdBy,
								by_name: names.get(n.createdBy) ?? ''
							}))
						)
					: ''
			].map(defuse)
		);
	return Papa.unparse({ fields: CSV_COLUMNS, data: rows }, { newline: '\r\n' }) + '\r\n';
}
