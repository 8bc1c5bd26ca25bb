// Reads Diigo's CSV export (title, url, tags, description, comments, annotations, created_at) with a
// well-kept CSV parser, so quoted commas, quoted newlines, CRLF and a BOM are all handled.
import Papa from 'papaparse';
import { lineLocator } from './lines';
import { PlanBuilder, parseDate, stableId, type RawHighlight, type RawNote } from './plan';
import { ImportError, type ImportPlan, type ProgressListener } from './types';

const REQUIRED = ['url'] as const;

export function looksLikeCsv(text: string): boolean {
	const firstLine = text.slice(0, 2048).split(/\r?\n/, 1)[0].toLowerCase();
	return /(^|,)"?url"?(,|$)/.test(firstLine);
}

/**
 * Diigo separates tags with commas (older exports with spaces, quoting tags that have one) and
 * writes "no_tag" for a page without tags.
 */
export function splitDiigoTags(value: string): string[] {
	const out: string[] = [];
	if (value.includes(',')) out.push(...value.split(','));
	else for (const m of value.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]);
	return out.filter((tag) => tag.trim().toLowerCase() !== 'no_tag');
}

/**
 * Diigo writes a page's highlights into one cell, each starting with "Highlight:" (on its own line
 * or not); other tools write one per line, sometimes as "- passage".
 */
export function splitHighlights(value: string): string[] {
	const parts = /highlight:/i.test(value)
		? value.split(/(?:^|\s*)highlight:\s*/i)
		: value.split(/\r?\n/).map((line) => line.replace(/^\s*[-*•]\s+/, ''));
	return parts.map((part) => part.trim()).filter(Boolean);
}

/** Spreadsheet exports (ours included) put a quote before cells that would run as formulas. */
function unescapeFormula(value: string): string {
	return value.replace(/^'(?=[=+\-@\t\r])/, '');
}

export function planDiigoCsv(text: string, onProgress?: ProgressListener): ImportPlan {
	const plan = new PlanBuilder('Diigo CSV');
	const clean = text.replace(/^\uFEFF/, '');
	const result = Papa.parse<Record<string, string>>(clean, {
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
		// Papa gives the offset where the broken quoted field starts; name that line.
		const at = typeof fatal.index === 'number' ? ` at line ${lineLocator(clean)(fatal.index)}` : '';
		throw new ImportError('malformed', `The CSV file is broken${at}: ${fatal.message.replace(/\.$/, '')}. Nothing was imported.`);
	}
	result.data.forEach((row, index) => {
		const where = `row ${index + 2}`;
		const cell = (name: string) => unescapeFormula(row[name] ?? '');
		const url = cell('url').trim();
		if (!url) {
			plan.skip(where, 'It has no URL.');
			return;
		}
		const createdAt = parseDate(row.created_at);
		// Diigo gives one date per page; a millisecond apart keeps its highlights in the file's order.
		const highlights: RawHighlight[] = splitHighlights(cell('annotations')).map((passage, i) => ({
			id: stableId('h', 'diigo', url, passage),
			exact: passage,
			createdAt: createdAt === undefined ? undefined : createdAt + i
		}));
		const comments = cell('comments').trim();
		const notes: RawNote[] = comments ? [{ id: stableId('n', 'diigo', url, comments), text: comments }] : [];
		plan.add({
			where,
			url,
			title: cell('title'),
			description: cell('description'),
			tags: splitDiigoTags(cell('tags')),
			createdAt,
			highlights,
			notes
		});
		if (onProgress && (index + 1) % 1000 === 0) onProgress({ phase: 'reading', done: index + 1, total: result.data.length });
	});
	return plan.build();
}
