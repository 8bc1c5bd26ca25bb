// Reads a Hypothesis export (the app's "Export annotations" JSON, an API search result, or a plain
// list): quoted passages become highlights with the annotation's text as their note, page notes and
// replies become notes, tags go on the page.
import type { TextPositionSelector } from '../../model/index';
import { asArray, asString, isObject } from './json';
import { PlanBuilder, cleanPosition, parseDate, stableId, type RawHighlight, type RawNote } from './plan';
import { ImportError, type ImportPlan, type ProgressListener } from './types';

type Annotation = Record<string, unknown>;

/** The annotations of a Hypothesis export, or null when the JSON is not one. */
export function hypothesisAnnotations(json: unknown): unknown[] | null {
	const list = Array.isArray(json) ? json : isObject(json) ? (json.annotations ?? json.rows) : null;
	if (!Array.isArray(list)) return null;
	if (isObject(json) && ('export_date' in json || 'export_userid' in json || 'total' in json)) return list;
	const first = list.find(isObject);
	if (first && !('@context' in first) && ('uri' in first || 'user' in first) && ('target' in first || 'text' in first)) return list;
	return null;
}

function pageUrl(a: Annotation): string {
	const uri = asString(a.uri);
	if (uri) return uri;
	for (const target of asArray(a.target)) if (isObject(target) && asString(target.source)) return asString(target.source);
	return '';
}

/** The passage an annotation quotes, with the TextPositionSelector Hypothesis records beside it. */
function quoteOf(a: Annotation): { exact: string; prefix: string; suffix: string; position?: TextPositionSelector } | null {
	for (const target of asArray(a.target)) {
		if (!isObject(target)) continue;
		const selectors = asArray(target.selector).filter(isObject);
		const quote = selectors.find((s) => s.type === 'TextQuoteSelector' && asString(s.exact).trim());
		if (!quote) continue;
		const position = cleanPosition(selectors.find((s) => s.type === 'TextPositionSelector'));
		return {
			exact: asString(quote.exact),
			prefix: asString(quote.prefix),
			suffix: asString(quote.suffix),
			...(position ? { position } : {})
		};
	}
	return null;
}

function titleOf(a: Annotation): string {
	const document = a.document;
	if (!isObject(document)) return '';
	const title = asArray(document.title).find((t) => typeof t === 'string');
	return typeof title === 'string' ? title : '';
}

/** "acct:alice@hypothes.is" → "alice", or the display name Hypothesis recorded. */
function authorOf(a: Annotation): string {
	const info = a.user_info;
	if (isObject(info) && asString(info.display_name)) return asString(info.display_name);
	const user = asString(a.user);
	return user.replace(/^acct:/, '').replace(/@hypothes\.is$/, '');
}

function idOf(a: Annotation, index: number): string {
	const id = asString(a.id);
	return id || `entry-${index + 1}`;
}

export function planHypothesis(annotations: unknown[], onProgress?: ProgressListener): ImportPlan {
	const plan = new PlanBuilder('Hypothesis JSON');
	const byId = new Map<string, Annotation>();
	annotations.forEach((a, index) => {
		if (!isObject(a)) {
			throw new ImportError('malformed', `Annotation ${index + 1} in this Hypothesis file is not an annotation object, so nothing was imported.`);
		}
		byId.set(idOf(a, index), a);
	});
	annotations.forEach((value, index) => {
		const a = value as Annotation;
		const id = idOf(a, index);
		const where = `annotation ${index + 1}${asString(a.id) ? ` (${asString(a.id).slice(0, 40)})` : ''}`;
		const references = asArray(a.references).filter((r): r is string => typeof r === 'string');
		const text = asString(a.text);
		const createdAt = parseDate(a.created);
		// A reply names its thread; it belongs to the thread's page even when the thread is missing
		// from the file (an orphaned reply), and never carries a quote of its own.
		const root = references.length ? byId.get(references[0]) : undefined;
		const url = pageUrl(a) || (root ? pageUrl(root) : '');
		if (!url) {
			plan.skip(where, 'It does not say which page it annotates.');
			return;
		}
		const highlights: RawHighlight[] = [];
		const notes: RawNote[] = [];
		const quote = references.length ? null : quoteOf(a);
		if (references.length) {
			if (text.trim()) {
				const author = authorOf(a);
				notes.push({ id: stableId('n', 'hypothesis', id), text: author ? `${author} replied: ${text}` : text, createdAt });
			}
		} else if (quote) {
			highlights.push({ id: stableId('h', 'hypothesis', id), ...quote, note: text, createdAt });
		} else if (text.trim()) {
			notes.push({ id: stableId('n', 'hypothesis', id), text, createdAt });
		}
		plan.add({
			where,
			url,
			title: titleOf(a) || (root ? titleOf(root) : ''),
			tags: asArray(a.tags).filter((t) => typeof t === 'string'),
			createdAt,
			highlights,
			notes
		});
		if (onProgress && (index + 1) % 1000 === 0) onProgress({ phase: 'reading', done: index + 1, total: annotations.length });
	});
	return plan.build();
}
