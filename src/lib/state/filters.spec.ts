// Filters read from and written to the group page's URL.
import { describe, expect, it } from 'vitest';
import { filterHref, isFiltered, readFilters, toQuery, withTag, withoutTag } from './filters';

describe('filters', () => {
	it('reads the URL, falling back to defaults for anything unusable', () => {
		expect(readFilters(new URLSearchParams('tag=amateur&member=m1&q=stiegler&sort=views&page=2&per=50'))).toEqual({
			tags: ['amateur'],
			member: 'm1',
			mentions: false,
			q: 'stiegler',
			sort: 'views',
			page: 2,
			per: 50
		});
		expect(readFilters(new URLSearchParams('page=-3&per=33&sort=random'))).toMatchObject({ page: 1, per: 20, sort: 'newest', tags: [] });
		expect(readFilters(new URLSearchParams('page=abc'))).toMatchObject({ page: 1 });
		expect(toQuery(readFilters(new URLSearchParams('q=x')))).toEqual({ tags: [], member: undefined, mentions: undefined, text: 'x', sort: 'newest', page: 1, perPage: 20 });
		expect(toQuery(readFilters(new URLSearchParams('mentions=me')), 'm7')).toMatchObject({ mentions: 'm7' });
		expect(toQuery(readFilters(new URLSearchParams('mentions=me')))).toMatchObject({ mentions: undefined });
		expect(readFilters(new URLSearchParams('mentions=someone')).mentions).toBe(false);
	});

	it('reads combined tags, normalised, each once, in the order chosen', () => {
		expect(readFilters(new URLSearchParams('tag=Amateur&tag=travail&tag=amateur&tag=')).tags).toEqual(['amateur', 'travail']);
		const many = new URLSearchParams(Array.from({ length: 30 }, (_, i) => ['tag', `t${i}`]));
		expect(readFilters(many).tags).toHaveLength(10);
	});

	it('builds links that change one filter and go back to page 1', () => {
		const current = readFilters(new URLSearchParams('tag=digital labor&page=3'));
		expect(filterHref('/g/x', current, { page: 4 })).toBe('/g/x?tag=digital+labor&page=4');
		expect(filterHref('/g/x', current, { tags: ['travail'] })).toBe('/g/x?tag=travail');
		expect(filterHref('/g/x', current, { tags: [], per: 50 })).toBe('/g/x?per=50');
		expect(filterHref('/g/x', current, { tags: [] })).toBe('/g/x');
		expect(filterHref('/g/x', current, { tags: withTag(current.tags, 'travail'), sort: 'oldest' })).toBe('/g/x?tag=digital+labor&tag=travail&sort=oldest');
	});

	it('round-trips every filter through the URL', () => {
		const filters = { tags: ['amateur', 'travail'], member: 'm1', mentions: true, q: 'uber', sort: 'annotated' as const, page: 2, per: 10 };
		const href = filterHref('/g/x', filters, { page: 2 });
		expect(readFilters(new URL(href, 'http://h').searchParams)).toEqual(filters);
	});

	it('adds and removes a tag of the combination', () => {
		expect(withTag(['amateur'], 'travail')).toEqual(['amateur', 'travail']);
		expect(withTag(['amateur'], 'amateur')).toEqual(['amateur']);
		expect(withoutTag(['amateur', 'travail'], 'amateur')).toEqual(['travail']);
		expect(isFiltered(readFilters(new URLSearchParams('sort=oldest&page=2')))).toBe(false);
		expect(isFiltered(readFilters(new URLSearchParams('tag=a')))).toBe(true);
		expect(isFiltered(readFilters(new URLSearchParams('mentions=me')))).toBe(true);
	});
});
