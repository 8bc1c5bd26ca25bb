// The group page's filters live in its URL (?tag= ?member= ?q= ?page= ?per=) so a listing can be
// shared and survives a reload; these read them and build links that change one filter at a time.
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, type ListQuery } from '$lib/model';

export interface Filters {
	tag: string;
	member: string;
	q: string;
	page: number;
	per: number;
}

export function readFilters(params: URLSearchParams): Filters {
	const per = Number(params.get('per'));
	const page = Math.floor(Number(params.get('page')));
	return {
		tag: params.get('tag')?.trim() ?? '',
		member: params.get('member')?.trim() ?? '',
		q: params.get('q')?.trim() ?? '',
		page: Number.isFinite(page) && page >= 1 ? page : 1,
		per: (PAGE_SIZES as readonly number[]).includes(per) ? per : DEFAULT_PAGE_SIZE
	};
}

export function toQuery(filters: Filters): ListQuery {
	return {
		tag: filters.tag || undefined,
		member: filters.member || undefined,
		text: filters.q || undefined,
		page: filters.page,
		perPage: filters.per
	};
}

/**
 * A link to the listing with some filters changed. Changing anything but the page goes back to page 1;
 * defaults are left out so links stay short.
 */
export function filterHref(base: string, current: Filters, change: Partial<Filters>): string {
	const next: Filters = { ...current, ...change };
	if (!('page' in change)) next.page = 1;
	const params = new URLSearchParams();
	if (next.tag) params.set('tag', next.tag);
	if (next.member) params.set('member', next.member);
	if (next.q) params.set('q', next.q);
	if (next.page > 1) params.set('page', String(next.page));
	if (next.per !== DEFAULT_PAGE_SIZE) params.set('per', String(next.per));
	const search = params.toString();
	return search ? `${base}?${search}` : base;
}
