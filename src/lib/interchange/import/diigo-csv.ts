// Reads Diigo's CSV export (title, url, tags, description, comments, annotations, created_at) with a
// well-kept CSV parser, so quoted commas, quoted newlines, CRLF and a BOM are all handled.
import Papa from 'papaparse';
import { PlanBuilder, parseDate, stableId, type RawHighlight, type RawNote } from './plan';
import { ImportError, type ImportPlan, type ProgressListener } from './types';

const REQUIRED = ['url'] as const;

export function looksLikeCsv(text: string): boolean {
	const firstLine = text.slice(0, 2048).split(/\r?\n/, 1)[0].toLowerCase();
	return /(^|,)"?url"?(,|$)/.test(firstLine);
}

/** Diigo separates tags with commas; older exports with spaces, quoting tags that have one. */
export function splitDiigoTags(value: string): string[] {
	if (value.includes(',')) return value.split(',');
	const out: string[] = [];
	for (const m of value.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]);
	return out;
}

/** Diigo lists a page's highlights one per line, sometimes as "- passage" or "Highlight: passage". */
function splitLines(value: string): string[] {
	return value
		.split(/\r?\n/)
		.map((line) => line.replace(/^\s*(?:[-*•]\s+|highlight:\s*)/i, '').trim())
		.filter(Boolean);
}

export function planDiigoCsv(text: string, onProgress?: ProgressListener): ImportPlan {
	const plan = new PlanBuilder('Diigo CSV');
	const result = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
		header: true,
		skipEmptyLines: 'greedy',
		transformHeader: (h) => h.trim().toLowerCase().replace(/\s+/g, '_')
	});
	const fields = result.meta.fields ?? [];
	for (const name of REQUIRED) {
		if (!fields.includes(name)) {
			throw new ImportError('malformed', `This CSV file has no "${name}" column on its first line, so it is not a Diigo export.`);
		}
	}
	// Rows are named as a spreadsheet numbers them (the header is row 1), which stays right when a
	// quoted field spans several lines.
	const fatal = result.errors.find((e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
	if (fatal) {
		const row = fatal.row === undefined ? '' : ` in row ${fatal.row + 2}`;
		throw new ImportError('malformed', `The CSV file is broken${row}: ${fatal.message}. Nothing was imported.`);
	}
	result.data.forEach((row, index) => {
		const where = `row ${index + 2}`;
		const url = (row.url ?? '').trim();
		if (!url) {
			plan.skip(where, 'It has no URL.');
			return;
		}
		const highlights: RawHighlight[] = splitLines(row.annotations ?? '').map((passage) => ({
			id: stableId('h', 'diigo', url, passage),
			exact: passage
		}));
		const comments = (row.comments ?? '').trim();
		const notes: RawNote[] = comments ? [{ id: stableId('n', 'diigo', url, comments), text: comments }] : [];
		plan.add({
			where,
			url,
			title: row.title,
			description: row.description,
			tags: splitDiigoTags(row.tags ?? ''),
			createdAt: parseDate(row.created_at),
			highlights,
			notes
		});
		if (onProgress && (index + 1) % 1000 === 0) onProgress({ phase: 'reading', done: index + 1, total: result.data.length });
	});
	return plan.build();
}
