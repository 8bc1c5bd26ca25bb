// Reads W3C Web Annotation JSON-LD: one Annotation, a list of them, or an AnnotationCollection with
// its pages. TextQuoteSelector targets become highlights, text bodies notes, tagging bodies tags.
import { asArray, asString, isObject } from './json';
import { PlanBuilder, parseDate, stableId, type RawHighlight, type RawNote } from './plan';
import { ImportError, type ImportPlan, type ProgressListener } from './types';

type Node = Record<string, unknown>;

function types(node: Node): string[] {
	return asArray(node.type ?? node['@type'])
		.filter((t): t is string => typeof t === 'string')
		.map((t) => t.replace(/^oa:|^as:/, ''));
}

function idOf(node: Node): string {
	return asString(node.id) || asString(node['@id']);
}

export function isWebAnnotation(json: unknown): boolean {
	const first = Array.isArray(json) ? json.find(isObject) : json;
	if (!isObject(first)) return false;
	const t = types(first);
	return t.includes('Annotation') || t.includes('AnnotationCollection') || t.includes('AnnotationPage');
}

/** Every annotation in the file, in order, with where it was found. */
function collectAnnotations(json: unknown): { node: Node; where: string }[] {
	const out: { node: Node; where: string }[] = [];
	const addPage = (page: unknown, pageNumber: number) => {
		if (!isObject(page)) {
			throw new ImportError(
				'malformed',
				`Page ${pageNumber} of this annotation collection is only a link, not included in the file; export the collection with its pages embedded.`
			);
		}
		asArray(page.items).forEach((item, i) => out.push({ node: item as Node, where: `annotation ${i + 1} on page ${pageNumber}` }));
		return page.next;
	};
	const roots = Array.isArray(json) ? json : [json];
	roots.forEach((root, index) => {
		if (!isObject(root)) {
			throw new ImportError('malformed', `Entry ${index + 1} of this file is not an annotation object, so nothing was imported.`);
		}
		const t = types(root);
		if (t.includes('AnnotationCollection')) {
			let page: unknown = root.first;
			const seen = new Set<unknown>();
			for (let n = 1; page !== undefined && page !== null; n++) {
				if (seen.has(page) || n > 100_000) break;
				seen.add(page);
				page = addPage(page, n);
			}
		} else if (t.includes('AnnotationPage')) {
			addPage(root, 1);
		} else {
			out.push({ node: root, where: `annotation ${index + 1}` });
		}
	});
	return out;
}

interface Target {
	url: string;
	quote: { exact: string; prefix: string; suffix: string } | null;
	title: string;
}

function readTarget(target: unknown): Target | null {
	if (typeof target === 'string') return { url: target, quote: null, title: '' };
	if (!isObject(target)) return null;
	const source = target.source;
	let url = typeof source === 'string' ? source : isObject(source) ? idOf(source) : '';
	if (!url) url = idOf(target);
	const titled = isObject(source) ? source : target;
	const title = asString(titled['dc:title']) || asString(titled.title) || asString(titled.name);
	let quote: Target['quote'] = null;
	for (const selector of asArray(target.selector)) {
		if (isObject(selector) && types(selector).includes('TextQuoteSelector') && asString(selector.exact).trim()) {
			quote = { exact: asString(selector.exact), prefix: asString(selector.prefix), suffix: asString(selector.suffix) };
			break;
		}
	}
	return url ? { url, quote, title } : null;
}

interface Bodies {
	tags: string[];
	texts: string[];
	description: string;
}

function readBodies(node: Node): Bodies {
	const out: Bodies = { tags: [], texts: [], description: '' };
	const bodyValue = asString(node.bodyValue);
	if (bodyValue.trim()) out.texts.push(bodyValue);
	const motivations = asArray(node.motivation).map(String);
	for (const body of asArray(node.body)) {
		if (!isObject(body)) continue;
		const value = asString(body.value) || asString(body['rdf:value']) || asString(body.chars);
		if (!value.trim()) continue;
		const purposes = asArray(body.purpose).map(String);
		if (purposes.includes('tagging') || (purposes.length === 0 && motivations.includes('tagging'))) out.tags.push(value);
		else if (purposes.includes('describing') && motivations.includes('bookmarking')) out.description = value;
		else out.texts.push(value);
	}
	return out;
}

export function planWebAnnotation(json: unknown, onProgress?: ProgressListener): ImportPlan {
	const plan = new PlanBuilder('W3C Web Annotation');
	const found = collectAnnotations(json);
	found.forEach(({ node, where }, index) => {
		if (!isObject(node)) {
			throw new ImportError('malformed', `The ${where} of this file is not an annotation object, so nothing was imported.`);
		}
		const id = idOf(node) || `${where}`;
		const label = idOf(node) ? `${where} (${idOf(node).slice(0, 60)})` : where;
		const targets = asArray(node.target).map(readTarget).filter((t): t is Target => t !== null);
		if (targets.length === 0) {
			plan.skip(label, 'It does not say which page it annotates.');
			return;
		}
		const bodies = readBodies(node);
		const createdAt = parseDate(node.created);
		const modified = parseDate(node.modified);
		const text = bodies.texts.join('\n\n');
		targets.forEach((target, t) => {
			const highlights: RawHighlight[] = [];
			const notes: RawNote[] = [];
			const key = targets.length > 1 ? `${id}#${t}` : id;
			if (target.quote) {
				highlights.push({ id: stableId('h', 'web-annotation', key), ...target.quote, note: text, createdAt });
			} else if (text.trim()) {
				notes.push({
					id: stableId('n', 'web-annotation', key),
					text,
					createdAt,
					editedAt: modified !== undefined && createdAt !== undefined && modified > createdAt ? modified : undefined
				});
			}
			plan.add({
				where: label,
				url: target.url,
				title: target.title,
				description: bodies.description,
				tags: bodies.tags,
				createdAt,
				highlights,
				notes
			});
		});
		if (onProgress && (index + 1) % 1000 === 0) onProgress({ phase: 'reading', done: index + 1, total: found.length });
	});
	return plan.build();
}
