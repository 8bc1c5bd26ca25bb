// Reads W3C Web Annotation JSON-LD: one Annotation, a list of them, or an AnnotationCollection with
// its pages. TextQuoteSelector targets (also inside refinedBy) become highlights, with the
// TextPositionSelector beside or inside them as their position, text bodies notes
// (HTML as its text, a Choice as its first option), tagging bodies tags, creators their authors.
import { LIMITS, cleanLine, hash64, type TextPositionSelector } from '../../model/index';
import { asArray, asString, isObject } from './json';
import { markupToText } from './markup';
import { PlanBuilder, cleanPosition, parseDate, stableId, type RawHighlight, type RawNote } from './plan';
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
	quote: { exact: string; prefix: string; suffix: string; position?: TextPositionSelector } | null;
	title: string;
	site: string;
	image: string;
}

type Quote = Omit<NonNullable<Target['quote']>, 'position'>;

/**
 * The first TextQuoteSelector and the first usable TextPositionSelector among these selectors or
 * refining one of them (`refinedBy`, at any depth), in the order the file lists them.
 */
function findSelectors(selectors: unknown, found: { quote?: Quote; position?: TextPositionSelector } = {}, depth = 0) {
	if (depth > 8) return found;
	for (const selector of asArray(selectors)) {
		if (!isObject(selector)) continue;
		const t = types(selector);
		if (!found.quote && t.includes('TextQuoteSelector') && asString(selector.exact).trim()) {
			found.quote = { exact: asString(selector.exact), prefix: asString(selector.prefix), suffix: asString(selector.suffix) };
		}
		if (!found.position && t.includes('TextPositionSelector')) found.position = cleanPosition(selector);
		findSelectors(selector.refinedBy, found, depth + 1);
	}
	return found;
}

/** The passage these selectors quote, with its position when they give one; null without a quote. */
function findQuote(selectors: unknown): Target['quote'] {
	const { quote, position } = findSelectors(selectors);
	if (!quote) return null;
	return position ? { ...quote, position } : quote;
}

function readTarget(target: unknown): Target | null {
	if (typeof target === 'string') return { url: target, quote: null, title: '', site: '', image: '' };
	if (!isObject(target)) return null;
	const source = target.source;
	let url = typeof source === 'string' ? source : isObject(source) ? idOf(source) : '';
	if (!url) url = idOf(target);
	const described = isObject(source) ? source : target;
	const title = asString(described['dc:title']) || asString(described.title) || asString(described.name);
	const site = asString(described['dc:publisher']) || asString(described.publisher);
	const image = asString(described['schema:image']) || asString(described.image);
	return url ? { url, quote: findQuote(target.selector), title, site, image } : null;
}

/** Targets of an annotation: Composite, List and Independents sets stand for each of their items. */
function readTargets(value: unknown, depth = 0): Target[] {
	const out: Target[] = [];
	for (const target of asArray(value)) {
		const t = isObject(target) ? types(target) : [];
		if (depth < 4 && isObject(target) && (t.includes('Composite') || t.includes('List') || t.includes('Independents'))) {
			out.push(...readTargets(target.items, depth + 1));
			continue;
		}
		const read = readTarget(target);
		if (read) out.push(read);
	}
	return out;
}

interface Bodies {
	tags: string[];
	texts: string[];
	description: string;
}

/** The text of a textual body: HTML shows as the text it holds, a Choice as its first usable option. */
function bodyText(body: Record<string, unknown>, depth = 0): string {
	if (types(body).includes('Choice')) {
		if (depth > 4) return '';
		for (const option of asArray(body.items)) {
			const text = isObject(option) ? bodyText(option, depth + 1) : '';
			if (text.trim()) return text;
		}
		return '';
	}
	const value = asString(body.value) || asString(body['rdf:value']) || asString(body.chars);
	return asString(body.format).toLowerCase().startsWith('text/html') ? markupToText(value) : value;
}

function readBodies(node: Node): Bodies {
	const out: Bodies = { tags: [], texts: [], description: '' };
	const bodyValue = asString(node.bodyValue);
	if (bodyValue.trim()) out.texts.push(bodyValue);
	const motivations = asArray(node.motivation).map(String);
	for (const body of asArray(node.body)) {
		if (!isObject(body)) continue;
		const value = bodyText(body);
		if (!value.trim()) continue;
		const purposes = [...asArray(body.purpose), ...(types(body).includes('Choice') ? asArray(asArray(body.items).find(isObject)?.purpose) : [])].map(String);
		if (purposes.includes('tagging') || (purposes.length === 0 && motivations.includes('tagging'))) out.tags.push(value);
		else if (purposes.includes('describing') && motivations.includes('bookmarking')) out.description = value;
		else out.texts.push(value);
	}
	return out;
}

const OUR_MEMBER = 'urn:commonplace:member:';

/** The member an annotation's creator becomes: ours keep their id; others get one from who they are. */
function readCreator(value: unknown): { id: string; name: string } | null {
	const creator = asArray(value)[0];
	const id = typeof creator === 'string' ? creator : isObject(creator) ? idOf(creator) : '';
	const name = isObject(creator) ? asString(creator.name) || asString(creator.nickname) || asString(creator['foaf:nick']) : '';
	if (!id && !name.trim()) return null;
	if (id.startsWith(OUR_MEMBER)) {
		try {
			const memberId = decodeURIComponent(id.slice(OUR_MEMBER.length));
			// Printable and without surrogates, as the ids we write are, so every peer keys it alike.
			if (/^[^\u0000-\u001f\ud800-\udfff]{1,128}$/.test(memberId)) return { id: memberId, name };
		} catch {
			// Not one of ours after all; it gets an id like any other creator's.
		}
	}
	// A creator given only as an address is named after its last part ("http://example.org/user2" → user2).
	const fallback = id.replace(/[/#?]+$/, '').split(/[/#:]/).pop() ?? '';
	return { id: `wa-${hash64(id || name)}`, name: name || fallback };
}

export function planWebAnnotation(json: unknown, onProgress?: ProgressListener): ImportPlan {
	const plan = new PlanBuilder('W3C Web Annotation');
	const members = new Map<string, { name: string; at: number }>();
	const found = collectAnnotations(json);
	found.forEach(({ node, where }, index) => {
		if (!isObject(node)) {
			throw new ImportError('malformed', `The ${where} of this file is not an annotation object, so nothing was imported.`);
		}
		const id = idOf(node) || `${where}`;
		const label = idOf(node) ? `${where} (${idOf(node).slice(0, 60)})` : where;
		const targets = readTargets(node.target);
		if (targets.length === 0) {
			plan.skip(label, 'It does not say which page it annotates.');
			return;
		}
		const bodies = readBodies(node);
		const createdAt = parseDate(node.created);
		const modified = parseDate(node.modified);
		const text = bodies.texts.join('\n\n');
		const creator = readCreator(node.creator);
		if (creator) {
			const name = cleanLine(creator.name, Number.MAX_SAFE_INTEGER, 'name').slice(0, LIMITS.memberName) || 'Member';
			const known = members.get(creator.id);
			if (!known) members.set(creator.id, { name, at: createdAt ?? 0 });
			else if (createdAt !== undefined && createdAt < known.at) known.at = createdAt;
		}
		const by = creator?.id;
		const bookmarking = asArray(node.motivation).map(String).includes('bookmarking');
		targets.forEach((target, t) => {
			const highlights: RawHighlight[] = [];
			const notes: RawNote[] = [];
			const key = targets.length > 1 ? `${id}#${t}` : id;
			if (target.quote) {
				highlights.push({ id: stableId('h', 'web-annotation', key), ...target.quote, note: text, createdAt, by });
			} else if (text.trim()) {
				notes.push({
					id: stableId('n', 'web-annotation', key),
					text,
					createdAt,
					by,
					editedAt: modified !== undefined && createdAt !== undefined && modified > createdAt ? modified : undefined
				});
			}
			plan.add({
				where: label,
				url: target.url,
				title: target.title,
				site: target.site,
				image: target.image,
				description: bodies.description,
				tags: bodies.tags,
				createdAt,
				// Who bookmarked the page is who saved it; a passage's author has only written on it.
				savedBy: bookmarking && by && createdAt !== undefined ? [{ memberId: by, at: createdAt }] : undefined,
				updatedAt: bookmarking ? modified : undefined,
				highlights,
				notes
			});
		});
		if (onProgress && (index + 1) % 1000 === 0) onProgress({ phase: 'reading', done: index + 1, total: found.length });
	});
	for (const [id, { name, at }] of members) plan.addMember({ id, name, color: '#777777', joinedAt: at });
	return plan.build();
}
