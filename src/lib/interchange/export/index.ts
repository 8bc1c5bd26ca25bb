// Exports a group to open formats: a lossless JSON backup, Netscape bookmarks, W3C Web Annotation
// JSON-LD and CSV, each with its content type and a file name.
import type * as Y from 'yjs';
import { getGroupInfo } from '../../model/index';
import { exportBackup } from './backup';
import { exportCsv } from './csv';
import { exportNetscape } from './netscape';
import { exportWebAnnotation } from './web-annotation';

import type { ExportFormat } from './formats';

export { EXPORT_FORMATS, isExportFormat, type ExportFormat } from './formats';

export interface ExportedFile {
	body: string;
	contentType: string;
	filename: string;
}

const FORMATS: Record<ExportFormat, { write(doc: Y.Doc): string; contentType: string; suffix: string }> = {
	json: { write: exportBackup, contentType: 'application/json; charset=utf-8', suffix: 'backup.json' },
	html: { write: exportNetscape, contentType: 'text/html; charset=utf-8', suffix: 'bookmarks.html' },
	jsonld: {
		write: exportWebAnnotation,
		contentType: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
		suffix: 'annotations.jsonld'
	},
	csv: { write: exportCsv, contentType: 'text/csv; charset=utf-8; header=present', suffix: 'items.csv' }
};

/** A file name from the group's name, safe on every system: "tic-travail-2026-11-28-backup.json". */
function fileStem(doc: Y.Doc): string {
	const name = getGroupInfo(doc)
		.name.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60);
	return `${name || 'group'}-${new Date().toISOString().slice(0, 10)}`;
}

export function exportGroup(doc: Y.Doc, format: ExportFormat): ExportedFile {
	const spec = FORMATS[format];
	if (!spec) throw new Error(`Unknown export format "${String(format)}"; use json, html, jsonld or csv.`);
	return { body: spec.write(doc), contentType: spec.contentType, filename: `${fileStem(doc)}-${spec.suffix}` };
}
