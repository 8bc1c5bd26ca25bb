// Builds an import plan: every entry a format reads is checked and cleaned here with the model's own
// rules, so that applying the plan afterwards cannot fail halfway. Entries for one page are combined.
import { LIMITS, ModelError, cleanLine, cleanText, hash64, normalizeTag, normalizeUrl, type TextPositionSelector } from '../../model/index';
import type { ImportPlan, PlannedHighlight, PlannedItem, PlannedMember, PlannedMerge, PlannedNote, SkippedEntry } from './types';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A short id derived from where a highlight or note came from, so a second import finds it again. */
export function stableId(kind: 'h' | 'n', ...source: string[]): string {
	const joined = source.join('\u001f');
	return `${kind}${hash64(joined)}${hash64(joined + '#')}`;
}

export interface RawHighlight {
	id: string;
	exact: unknown;
	prefix?: unknown;
	suffix?: unknown;
	/** A TextPositionSelector as the file gives it: `{ start, end }`. */
	position?: unknown;
	note?: unknown;
	createdAt?: unknown;
	by?: string;
	deleted?: { at: number; by: string } | null;
}

export interface RawNote {
	id: string;
	text: unknown;
	createdAt?: unknown;
	by?: string;
	editedAt?: unknown;
	deleted?: { at: number; by: string } | null;
}

export interface RawItem {
	where: string;
	url: unknown;
	title?: unknown;
	site?: unknown;
	image?: unknown;
	favicon?: unknown;
	pageDetailsAt?: unknown;
	description?: unknown;
	tags?: readonly unknown[];
	createdAt?: unknown;
	savedBy?: { memberId: string; at: number }[];
	views?: Record<string, number>;
	updatedAt?: unknown;
	deleted?: { at: number; by: string } | null;
	highlights?: RawHighlight[];
	notes?: RawNote[];
	private?: boolean;
}

/** Shortens text to `max` characters with an ellipsis, never splitting an emoji's surrogate pair. */
function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = max - 1;
	if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--;
	return text.slice(0, end) + '…';
}

/** The last `max` characters of text before a passage, or the first after it, on whole characters. */
function context(text: string, max: number, fromEnd: boolean): string {
	if (text.length <= max) return text;
	let out = fromEnd ? text.slice(-max) : text.slice(0, max);
	if (fromEnd && /[\uDC00-\uDFFF]/.test(out[0])) out = out.slice(1);
	if (!fromEnd && /[\uD800-\uDBFF]/.test(out[out.length - 1])) out = out.slice(0, -1);
	return out;
}

/** A time in ms, or undefined when the file gives none or nonsense. */
export function validTime(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 8.64e15 ? Math.floor(value) : undefined;
}

/** Parses the dates files carry (ISO 8601, "2013/05/21 08:17:03 +0000", Unix seconds) into ms. */
export function parseDate(value: unknown): number | undefined {
	if (typeof value === 'number') return validTime(value);
	if (typeof value !== 'string' || !value.trim()) return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return secondsToMs(Number(text));
	// Diigo writes "2013/05/21 08:17:03 +0000" or "2024-05-08 05:36:43"; a date without a zone is
	// read as UTC here, so the result does not depend on the importing browser's time zone.
	const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
	if (m) {
		const zone = m[8] ? (m[8].toUpperCase() === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')) : 'Z';
		const pad = (s: string | undefined) => (s ?? '0').padStart(2, '0');
		return validTime(Date.parse(`${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}${m[7] ?? ''}${zone}`));
	}
	return validTime(Date.parse(text));
}

/** Browsers write ADD_DATE in seconds; a few tools write ms or µs. Tell them apart by size. */
export function secondsToMs(value: number): number | undefined {
	if (!Number.isFinite(value) || value <= 0) return undefined;
	if (value > 1e14) return validTime(Math.floor(value / 1000));
	if (value > 1e11) return validTime(Math.floor(value));
	return validTime(Math.floor(value * 1000));
}

/**
 * A position the model will take: whole offsets, 0 <= start < end, within any page a browser can hold.
 * Anything else is dropped, not the highlight: the quote still finds the passage.
 */
export function cleanPosition(value: unknown): TextPositionSelector | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { start, end } = value as Record<string, unknown>;
	const offset = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= LIMITS.pageText;
	return offset(start) && offset(end) && start < end ? { start, end } : undefined;
}

/** A picture's or icon's address, or '' when it is none or not a web address. */
function cleanImage(value: unknown): string {
	if (!value) return '';
	try {
		return normalizeUrl(String(value));
	} catch {
		// A picture that is not a web address is dropped; the page itself is still worth keeping.
		return '';
	}
}

function cleanTags(raw: readonly unknown[] | undefined): string[] {
	const out = new Set<string>();
	for (const tag of raw ?? []) {
		const text = String(tag ?? '');
		if (!text.trim()) continue;
		try {
			out.add(normalizeTag(text));
		} catch {
			try {
				out.add(normalizeTag(text.trim().slice(0, LIMITS.tag)));
			} catch {
				// Nothing usable is left of it; a tag is never worth refusing a whole page for.
			}
		}
	}
	return [...out].slice(0, LIMITS.tagsPerItem);
}

function cleanId(id: string, kind: 'h' | 'n'): string {
	return ID.test(id) ? id : stableId(kind, id);
}

function cleanDeleted(deleted: RawItem['deleted']): { at: number; by: string } | undefined {
	if (!deleted || typeof deleted.by !== 'string' || !deleted.by) return undefined;
	const at = validTime(deleted.at);
	return at === undefined ? undefined : { at, by: deleted.by };
}

export class PlanBuilder {
	private readonly byId = new Map<string, PlannedItem>();
	private readonly skipped: SkippedEntry[] = [];
	private readonly members: PlannedMember[] = [];
	private readonly merges: PlannedMerge[] = [];

	constructor(private readonly format: string) {}

	skip(where: string, reason: string): void {
		this.skipped.push({ where, reason });
	}

	addMember(member: PlannedMember): void {
		this.members.push(member);
	}

	get size(): number {
		return this.byId.size;
	}

	/** Checks one entry; a page that cannot be saved is skipped with the reason, never half-added. */
	add(raw: RawItem): PlannedItem | null {
		let url: string;
		if (!String(raw.url ?? '').trim()) {
			this.skip(raw.where, 'It has no address.');
			return null;
		}
		try {
			url = normalizeUrl(String(raw.url ?? ''));
		} catch (error) {
			this.skip(raw.where, error instanceof ModelError ? error.message : 'Its address is not a web page.');
			return null;
		}
		const itemId = hash64(url);
		const title = clip(cleanLine(raw.title, Number.MAX_SAFE_INTEGER, 'title'), LIMITS.title);
		const site = clip(cleanLine(raw.site, Number.MAX_SAFE_INTEGER, 'site name'), LIMITS.site);
		const image = cleanImage(raw.image);
		const favicon = cleanImage(raw.favicon);
		const description = clip(cleanText(raw.description, Number.MAX_SAFE_INTEGER, 'description').trim(), LIMITS.description);
		const highlights: PlannedHighlight[] = [];
		for (const h of raw.highlights ?? []) {
			const exact = cleanText(h.exact, Number.MAX_SAFE_INTEGER, 'passage');
			if (!exact.trim()) {
				this.skip(raw.where, 'A highlight has no quoted passage.');
				continue;
			}
			if (exact.length > LIMITS.quote) {
				this.skip(raw.where, `A highlighted passage is ${exact.length.toLocaleString('en')} characters long; the limit is ${LIMITS.quote.toLocaleString('en')}.`);
				continue;
			}
			const position = cleanPosition(h.position);
			highlights.push({
				id: cleanId(h.id, 'h'),
				exact,
				prefix: context(cleanText(h.prefix, Number.MAX_SAFE_INTEGER, 'prefix'), LIMITS.context, true),
				suffix: context(cleanText(h.suffix, Number.MAX_SAFE_INTEGER, 'suffix'), LIMITS.context, false),
				...(position ? { position } : {}),
				note: clip(cleanText(h.note, Number.MAX_SAFE_INTEGER, 'note').trim(), LIMITS.note),
				createdAt: validTime(h.createdAt),
				by: h.by,
				deleted: cleanDeleted(h.deleted)
			});
		}
		const notes: PlannedNote[] = [];
		for (const n of raw.notes ?? []) {
			const text = clip(cleanText(n.text, Number.MAX_SAFE_INTEGER, 'note'), LIMITS.note);
			if (!text.trim()) continue;
			notes.push({
				id: cleanId(n.id, 'n'),
				text,
				createdAt: validTime(n.createdAt),
				by: n.by,
				editedAt: validTime(n.editedAt),
				deleted: cleanDeleted(n.deleted)
			});
		}
		const entry: PlannedItem = {
			where: raw.where,
			url,
			itemId,
			title,
			site,
			image,
			favicon,
			pageDetailsAt: validTime(raw.pageDetailsAt),
			description,
			tags: cleanTags(raw.tags),
			createdAt: validTime(raw.createdAt),
			savedBy: raw.savedBy,
			views: raw.views,
			updatedAt: validTime(raw.updatedAt),
			deleted: cleanDeleted(raw.deleted),
			highlights,
			notes,
			sourceUrl: String(raw.url).trim(),
			private: raw.private === true
		};
		const previous = this.byId.get(itemId);
		if (!previous) {
			this.byId.set(itemId, entry);
			return entry;
		}
		if (previous.sourceUrl !== entry.sourceUrl) {
			this.merges.push({
				url,
				first: { url: previous.sourceUrl, title: previous.title },
				second: { url: entry.sourceUrl, title: entry.title }
			});
		}
		combine(previous, entry);
		return previous;
	}

	build(): ImportPlan {
		return { format: this.format, items: [...this.byId.values()], members: this.members, skipped: this.skipped, merges: this.merges };
	}
}

/** The same page twice in one file (a bookmark in two folders, say) is one item carrying both. */
function combine(into: PlannedItem, from: PlannedItem): void {
	// Shared once is shared: a page that is private in one folder and public in another is not private.
	into.private = into.private === true && from.private === true;
	into.title ||= from.title;
	into.site ||= from.site;
	into.image ||= from.image;
	into.favicon ||= from.favicon;
	into.pageDetailsAt ??= from.pageDetailsAt;
	if (from.description && !into.description.includes(from.description)) {
		into.description = clip(into.description ? `${into.description}\n\n${from.description}` : from.description, LIMITS.description);
	}
	into.tags = [...new Set([...into.tags, ...from.tags])].slice(0, LIMITS.tagsPerItem);
	if (from.savedBy?.length) {
		const saves = new Map((into.savedBy ?? []).map((save) => [save.memberId, save]));
		for (const save of from.savedBy) {
			const known = saves.get(save.memberId);
			if (!known || save.at < known.at) saves.set(save.memberId, save);
		}
		into.savedBy = [...saves.values()].sort((a, b) => a.at - b.at);
	}
	if (from.updatedAt !== undefined && (into.updatedAt === undefined || from.updatedAt > into.updatedAt)) into.updatedAt = from.updatedAt;
	if (from.createdAt !== undefined && (into.createdAt === undefined || from.createdAt < into.createdAt)) into.createdAt = from.createdAt;
	const highlightIds = new Set(into.highlights.map((h) => h.id));
	for (const h of from.highlights) if (!highlightIds.has(h.id)) into.highlights.push(h);
	const noteIds = new Set(into.notes.map((n) => n.id));
	for (const n of from.notes) if (!noteIds.has(n.id)) into.notes.push(n);
}
