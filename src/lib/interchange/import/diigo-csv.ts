// Reads Diigo's CSV export (title, url, tags, description, comments, annotations, created_at) with a
// well-kept CSV parser, so quoted commas, quoted newlines, CRLF and a BOM are all handled. Our own CSV
// adds columns (site, who saved it, and every highlight and note as JSON) that are read back too.
import Papa from 'papaparse';
import { LIMITS, cleanLine, hash64 } from '../../model/index';
import { asString, isObject } from './json';
import { lineLocator } from './lines';
import { shownText } from './markup';
import { PlanBuilder, parseDate, stableId, type RawHighlight, type RawNote } from './plan';
import { ImportError, type ImportPlan, type ProgressListener } from './types';

const REQUIRED = ['url'] as const;
// Printable, and no surrogates: a lone one would reach other peers altered, and keys must agree.
const MEMBER_ID = /^[^\u0000-\u001f\ud800-\udfff]{1,128}$/;

export function looksLikeCsv(text: string): boolean {
	const firstLine = text.slice(0, 2048).split(/\r?\n/, 1)[0].toLowerCase();
	return /(^|,)"?url"?(,|$)/.test(firstLine);
}

/**
 * Diigo separates tags with commas (older exports with spaces, quoting tags that have one: `a "two
 * words"`) and writes "no_tag" for a page without tags.
 */
export function splitDiigoTags(value: string): string[] {
	const out: string[] = [];
	if (value.includes(',')) out.push(...value.split(',').map((tag) => tag.trim().replace(/^"([^"]*)"$/, '$1')));
	else for (const m of value.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]);
	return out.filter((tag) => tag.trim() && tag.trim().toLowerCase() !== 'no_tag');
}

/**
 * Writes tags so that splitDiigoTags reads the same list back: commas between tags, and one tag with
 * a space in it quoted as Diigo quotes it (or followed by a comma when it holds a quote itself).
 */
export function joinDiigoTags(tags: readonly string[]): string {
	if (tags.length !== 1 || !/\s/.test(tags[0])) return tags.join(',');
	return tags[0].includes('"') ? `${tags[0]},` : `"${tags[0]}"`;
}

/**
 * Diigo writes a page's highlights into one cell, each starting a line with "Highlight:"; other tools
 * write one per line, sometimes as "- passage". "highlight:" inside a passage is part of its text.
 * Highlights holding HTML (Diigo keeps the markup it highlighted) become the text they show.
 */
export function splitHighlights(value: string): string[] {
	const parts = /(^|\n)[ \t]*highlight:/i.test(value)
		? value.split(/(?:^|\r?\n)[ \t]*highlight:[ \t]*/i)
		: value.split(/\r?\n/).map((line) => line.replace(/^\s*[-*•]\s+/, ''));
	return parts.map((part) => shownText(part.trim())).filter(Boolean);
}

/** Spreadsheet exports (ours included) put a quote before cells that would run as formulas. */
function unescapeFormula(value: string): string {
	return value.replace(/^'(?='*[=+\-@\t\r])/, '');
}

/** Reads one of our JSON columns; a cell that is not a JSON list is ignored (the plain columns stay). */
function jsonList(cell: string): Record<string, unknown>[] | null {
	if (!cell.trim().startsWith('[')) return null;
	try {
		const parsed: unknown = JSON.parse(cell);
		return Array.isArray(parsed) ? parsed.filter(isObject) : null;
	} catch {
		return null;
	}
}

export function planDiigoCsv(text: string, onProgress?: ProgressListener): ImportPlan {
	const plan = new PlanBuilder('Diigo CSV');
	const members = new Map<string, { name: string; at: number; byNameOnly: boolean }>();
	/** The author of a row or a highlight, by id (our export) or by name alone (older files). */
	const author = (idValue: unknown, nameValue: unknown, at: number | undefined): string | undefined => {
		const name = cleanLine(nameValue, Number.MAX_SAFE_INTEGER, 'name').slice(0, LIMITS.memberName);
		let id = asString(idValue);
		const byNameOnly = !MEMBER_ID.test(id);
		if (byNameOnly) id = name ? `csv-${hash64(name)}` : '';
		if (!id) return undefined;
		const known = members.get(id);
		const when = at ?? 0;
		if (!known) members.set(id, { name: name || 'Member', at: when, byNameOnly });
		else if (when < known.at) known.at = when;
		return id;
	};
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
		const savedById = author(cell('saved_by_id'), cell('saved_by'), createdAt);
		const highlightsJson = jsonList(row.highlights_json ?? '');
		const highlights: RawHighlight[] = highlightsJson
			? highlightsJson.map((h, i) => {
					const at = parseDate(h.created_at);
					return {
						id: asString(h.id) || stableId('h', 'csv', url, String(i)),
						exact: asString(h.exact),
						prefix: asString(h.prefix),
						suffix: asString(h.suffix),
						position: h.position,
						note: asString(h.note),
						createdAt: at,
						by: author(h.by, h.by_name, at)
					};
				})
			: // Diigo gives one date per page; a millisecond apart keeps its highlights in the file's order.
				splitHighlights(cell('annotations')).map((passage, i) => ({
					id: stableId('h', 'diigo', url, passage),
					exact: passage,
					createdAt: createdAt === undefined ? undefined : createdAt + i
				}));
		const notesJson = jsonList(row.notes_json ?? '');
		const comments = cell('comments').trim();
		const notes: RawNote[] = notesJson
			? notesJson.map((n, i) => {
					const at = parseDate(n.created_at);
					return {
						id: asString(n.id) || stableId('n', 'csv', url, String(i)),
						text: asString(n.text),
						createdAt: at,
						editedAt: parseDate(n.edited_at),
						by: author(n.by, n.by_name, at)
					};
				})
			: comments
				? [{ id: stableId('n', 'diigo', url, comments), text: comments }]
				: [];
		plan.add({
			where,
			url,
			title: cell('title'),
			site: cell('site'),
			image: cell('image'),
			description: cell('description'),
			tags: splitDiigoTags(cell('tags')),
			createdAt,
			savedBy: savedById && createdAt !== undefined ? [{ memberId: savedById, at: createdAt }] : undefined,
			highlights,
			notes
		});
		if (onProgress && (index + 1) % 1000 === 0) onProgress({ phase: 'reading', done: index + 1, total: result.data.length });
	});
	for (const [id, { name, at, byNameOnly }] of members) plan.addMember({ id, name, color: '#777777', joinedAt: at, byNameOnly });
	return plan.build();
}

