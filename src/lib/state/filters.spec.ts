// Filters read from and written to the group page's URL.
import { describe, expect, it } from 'vitest';
import { filterHref, readFilters, toQuery } from './filters';

describe('filters', () => {
	it('reads the URL, falling back to defaults for anything unusable', () => {
		expect(readFilters(new URLSearchParams('tag=amateur&member=m1&q=stiegler&page=2&per=50'))).toEqual({
			tag: 'amateur',
			member: 'm1',
			q: 'stiegler',
			page: 2,
			per: 50
		});
		expect(readFilters(new URLSearchParams('page=-3&per=33'))).toMatchObject({ page: 1, per: 20 });
		expect(readFilters(new URLSearchParams('page=abc'))).toMatchObject({ page: 1 });
		expect(toQuery(readFilters(new URLSearchParams('q=x')))).toEqual({ tag: undefined, member: undefined, text: 'x', page: 1, perPage: 20 });
	});

	it('builds links that change one filter and go back to page 1', () => {
		const current = readFilters(new URLSearchParams('tag=digital labor&page=3'));
		expect(filterHref('/g/x', current, { page: 4 })).toBe('/g/x?tag=digital+labor&page=4');
		expect(filterHref('/g/x', current, { tag: 'travail' })).toBe('/g/x?tag=travail');
		expect(filterHref('/g/x', current, { tag: '', per: 50 })).toBe('/g/x?per=50');
		expect(filterHref('/g/x', current, { tag: '' })).toBe('/g/x');
	});
});
