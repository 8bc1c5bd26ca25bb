import { describe, expect, it } from 'vitest';
import { ModelError } from './errors';
import { hash64, itemIdForUrl, legacyItemIdForUrl, legacyNormalizeUrl, normalizeUrl, parseWebUrl, siteFromUrl } from './url';

describe('normalizeUrl', () => {
	it.each([
		['HTTPS://Example.ORG/Path', 'https://example.org/Path'],
		['https://example.org:443/a', 'https://example.org/a'],
		['http://example.org:80/a', 'http://example.org/a'],
		['https://example.org:8443/a', 'https://example.org:8443/a'],
		['https://example.org/a/', 'https://example.org/a'],
		['https://example.org/', 'https://example.org'],
		['https://example.org', 'https://example.org'],
		['https://example.org/a#section-2', 'https://example.org/a'],
		['https://example.org/a?utm_source=x&utm_medium=y&id=3', 'https://example.org/a?id=3'],
		['https://example.org/a?fbclid=abc', 'https://example.org/a'],
		['https://example.org/a?gclid=1&b=2&UTM_Campaign=z', 'https://example.org/a?b=2'],
		['https://user:pw@example.org/a', 'https://example.org/a'],
		['example.org/page', 'https://example.org/page'],
		['  https://example.org/a  ', 'https://example.org/a'],
		['https://app.example/#/inbox', 'https://app.example/#/inbox'],
		['https://app.example/mail/#!/thread/7', 'https://app.example/mail#!/thread/7'],
		['https://example.org/a?view', 'https://example.org/a?view'],
		['https://example.org/a?view=', 'https://example.org/a?view='],
		['https://example.org/s?q=two%20words', 'https://example.org/s?q=two%20words'],
		['https://example.org/s?q=two+words', 'https://example.org/s?q=two+words'],
		['https://example.org/s?path=a/b&utm_source=x', 'https://example.org/s?path=a/b'],
		['https://example.org/a?', 'https://example.org/a']
	])('%s → %s', (input, expected) => {
		expect(normalizeUrl(input)).toBe(expected);
	});

	it('keeps the order of query parameters that matter', () => {
		expect(normalizeUrl('https://e.org/?b=1&a=2')).toBe('https://e.org/?b=1&a=2');
	});

	it('gives one item id for every way of writing one page', () => {
		const ids = new Set(
			['https://Example.org/a/', 'https://example.org:443/a#x', 'https://example.org/a?utm_source=feed'].map(itemIdForUrl)
		);
		expect(ids.size).toBe(1);
		expect(itemIdForUrl('https://example.org/b')).not.toBe(itemIdForUrl('https://example.org/a'));
	});
});

describe('pages that used to collapse into one', () => {
	it('keeps single-page-app routes apart and query bytes as written', () => {
		expect(itemIdForUrl('https://app.example/#/inbox')).not.toBe(itemIdForUrl('https://app.example/#/settings'));
		expect(itemIdForUrl('https://app.example/#/inbox')).not.toBe(itemIdForUrl('https://app.example/'));
		expect(itemIdForUrl('https://example.org/a?view')).not.toBe(itemIdForUrl('https://example.org/a?view='));
		expect(itemIdForUrl('https://example.org/s?q=a%20b')).not.toBe(itemIdForUrl('https://example.org/s?q=a+b'));
	});

	it('names the key an item got from the older normalisation, and none for routes or unchanged URLs', () => {
		expect(legacyNormalizeUrl('https://example.org/s?q=a%20b')).toBe('https://example.org/s?q=a+b');
		expect(legacyNormalizeUrl('https://example.org/a?view')).toBe('https://example.org/a?view=');
		expect(legacyNormalizeUrl('https://example.org/a?id=3&utm_source=x')).toBeNull();
		expect(legacyNormalizeUrl('https://app.example/#/inbox')).toBeNull();
		expect(legacyItemIdForUrl('https://example.org/s?q=a/b')).toBe(hash64('https://example.org/s?q=a%2Fb'));
	});
});

describe('parseWebUrl refuses what is not a web page', () => {
	it.each([
		['javascript:alert(1)', 'unsupported-url'],
		['JavaScript:alert(1)', 'unsupported-url'],
		['data:text/html,<script>alert(1)</script>', 'unsupported-url'],
		['file:///etc/passwd', 'unsupported-url'],
		['ftp://example.org/x', 'unsupported-url'],
		['', 'invalid-url'],
		['   ', 'invalid-url'],
		['http://', 'invalid-url'],
		['https://exa mple.org', 'invalid-url'],
		['https://example.org/\u0000x', 'invalid-url'],
		['https://example.org/' + 'a'.repeat(3_000), 'too-long'],
		// What some URL parsers let through as a host: Chromium's "not%20a%20url", punctuation, empty labels.
		['https://not%20a%20url', 'invalid-url'],
		['https://a!b.example.org', 'invalid-url'],
		['https://foo,bar.org', 'invalid-url'],
		['https://a..b.org', 'invalid-url'],
		// Typed without a scheme, a single word is not an address.
		['notaurl', 'invalid-url'],
		['not_a_url', 'invalid-url']
	])('%s', (input, code) => {
		let error: unknown;
		try {
			parseWebUrl(input);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ModelError);
		expect((error as ModelError).code).toBe(code);
		expect((error as ModelError).message.length).toBeGreaterThan(10);
	});
});

describe('parseWebUrl keeps every real address', () => {
	it.each([
		'example.org',
		'https://sub_domain.example.org/x',
		'http://localhost:8080/page',
		'localhost/notes',
		'http://intranet/wiki',
		'http://192.168.1.10/x',
		'http://[::1]:8080/',
		'https://münchen.de/straße',
		'https://example.org./trailing-dot'
	])('%s', (input) => {
		expect(() => parseWebUrl(input)).not.toThrow();
	});
});

describe('hash64 and siteFromUrl', () => {
	it('hashes stably to 16 hex digits', () => {
		expect(hash64('https://example.org')).toMatch(/^[0-9a-f]{16}$/);
		expect(hash64('abc')).toBe(hash64('abc'));
		expect(hash64('abc')).not.toBe(hash64('abd'));
	});

	it('takes the host without www as the site', () => {
		expect(siteFromUrl('https://www.rue89.com/x')).toBe('rue89.com');
		expect(siteFromUrl('not a url')).toBe('');
	});
});
