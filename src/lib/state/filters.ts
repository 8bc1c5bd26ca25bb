// The group page's filters live in its URL (?tag=a&tag=b ?member= ?mentions=me ?q= ?sort= ?page= ?per=) so a
// listing can be shared, bookmarked and survives a reload; these read them and build links that change
// one filter at a time.
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, SORT_ORDERS, queryTags, type ListQuery, type SortOrder } from '$lib/model';

export interface Filters {
	/** Items carrying every one of these tags, in the order they were chosen. */
	tags: string[];
	member: string;
	/** Only items that mention the member reading the page. */
	mentions: boolean;
	q: string;
	sort: SortOrder;
	page: number;
	per: number;
}

export const SORT_LABELS: Record<SortOrder, string> = {
	newest: 'Newest first',
	oldest: 'Oldest first',
	views: 'Most viewed',
	annotated: 'Most annotated'
};

/** At most this many tags combine; more in a URL are ignored. */
export const MAX_COMBINED_TAGS = 10;

export function readFilters(params: URLSearchParams): Filters {
	const per = Number(params.get('per'));
	const page = Math.floor(Number(params.get('page')));
	const sort = params.get('sort') as SortOrder;
	return {
		tags: queryTags({ tags: params.getAll('tag') }).slice(0, MAX_COMBINED_TAGS),
		member: params.get('member')?.trim() ?? '',
		mentions: params.get('mentions') === 'me',
		q: params.get('q')?.trim() ?? '',
		sort: SORT_ORDERS.includes(sort) ? sort : 'newest',
		page: Number.isFinite(page) && page >= 1 ? page : 1,
		per: (PAGE_SIZES as readonly number[]).includes(per) ? per : DEFAULT_PAGE_SIZE
	};
}

/** The listing's query; `me` is the member reading, for "Mentions of me". */
export function toQuery(filters: Filters, me = ''): ListQuery {
	return {
		tags: filters.tags,
		member: filters.member || undefined,
		mentions: filters.mentions && me ? me : undefined,
		text: filters.q || undefined,
		sort: filters.sort,
		page: filters.page,
		perPage: filters.per
	};
}

/** Whether anything narrows the listing (the sort order and paging do not). */
export function isFiltered(filters: Filters): boolean {
	return filters.tags.length > 0 || filters.member !== '' || filters.mentions || filters.q !== '';
}

/**
 * A link to the listing with some filters changed. Changing anything but the page goes back to page 1;
 * defaults are left out so links stay short.
 */
export function filterHref(base: string, current: Filters, change: Partial<Filters>): string {
	const next: Filters = { ...current, ...change };
	if (!('page' in change)) next.page = 1;
	const params = new URLSearchParams();
	for (const tag of next.tags) params.append('tag', tag);
	if (next.member) params.set('member', next.member);
	if (next.mentions) params.set('mentions', 'me');
	if (next.q) params.set('q', next.q);
	if (next.sort !== 'newest') params.set('sort', next.sort);
	if (next.page > 1) params.set('page', String(next.page));
	if (next.per !== DEFAULT_PAGE_SIZE) params.set('per', String(next.per));
	const search = params.toString();
	return search ? `${base}?${search}` : base;
}

/** The chosen tags with one more added (at the end), or the same list if it is already there. */
export function withTag(tags: readonly string[], tag: string): string[] {
	return tags.includes(tag) ? [...tags] : [...tags, tag].slice(0, MAX_COMBINED_TAGS);
}

export function withoutTag(tags: readonly string[], tag: string): string[] {
	return tags.filter((t) => t !== tag);
}
