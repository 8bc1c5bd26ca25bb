import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import Papa from 'papaparse';
import { LIMITS, listMembers, readAllItems } from '../../model/index';
import { member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { importFile, planImport } from './index';
import { ImportError } from './types';

// Strings that stress the model's rules: control characters, lone surrogates, emoji, markup, very long.
const nasty = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.constantFrom('', ' ', '<script>alert(1)</script>', 'javascript:alert(1)', '\u0000\u001f\u202e', '🐟'.repeat(300), '\uD800x', ','),
	fc.integer({ min: 0, max: 120_000 }).map((n) => 'x'.repeat(n))
);
const url = fc.oneof(
	fc.constantFrom('https://ok.example/a', 'http://ok.example/b?utm_source=x', 'javascript:alert(1)', 'data:text/html,x', '', 'ftp://x', 'https://'),
	nasty,
	fc.integer({ min: 2_000, max: 3_000 }).map((n) => 'https://long.example/' + 'a'.repeat(n))
);

function changeCount(doc: Y.Doc, fn: () => void): number {
	let updates = 0;
	const count = () => updates++;
	doc.on('update', count);
	try {
		fn();
	} finally {
		doc.off('update', count);
	}
	return updates;
}

describe('hostile files', () => {
	it('a Web Annotation file of random entries is imported whole or refused whole, never half', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						url,
						title: nasty,
						exact: nasty,
						prefix: nasty,
						note: nasty,
						tags: fc.array(nasty, { maxLength: 120 })
					}),
					{ minLength: 1, maxLength: 4 }
				),
				(entries) => {
					const doc = newGroup();
					const annotations = entries.map((e, i) => ({
						'@context': 'http://www.w3.org/ns/anno.jsonld',
						id: `urn:x:${i}`,
						type: 'Annotation',
						body: [{ type: 'TextualBody', value: e.note }, ...e.tags.map((t) => ({ type: 'TextualBody', value: t, purpose: 'tagging' }))],
						creator: i % 2 ? { id: e.url, name: e.title } : `urn:commonplace:member:${e.prefix}`,
						target: { source: e.url, 'dc:title': e.title, selector: { type: 'TextQuoteSelector', exact: e.exact, prefix: e.prefix } }
					}));
					const text = JSON.stringify(annotations);
					let refused = false;
					const updates = changeCount(doc, () => {
						try {
							importFile(doc, member('alice'), { name: 'x.jsonld', text });
						} catch (error) {
							// Only a clear refusal is allowed, never a model error from half way through.
							expect(error).toBeInstanceOf(ImportError);
							refused = true;
						}
					});
					expect(updates).toBe(refused ? 0 : 1);
					for (const m of listMembers(doc)) expect(m.id).not.toMatch(/[\ud800-\udfff]/);
					for (const item of readAllItems(doc)) {
						expect(item.title.length).toBeLessThanOrEqual(LIMITS.title);
						expect(item.tags.length).toBeLessThanOrEqual(LIMITS.tagsPerItem);
						expect(/^https?:\/\//.test(item.url)).toBe(true);
					}
				}
			),
			{ numRuns: 60 }
		);
	});

	it('a CSV whose own JSON columns and authors are hostile is imported whole or refused whole', () => {
		const value = fc.oneof(nasty, fc.integer(), fc.constant(null), fc.array(nasty, { maxLength: 2 }));
		fc.assert(
			fc.property(
				fc.array(
					fc.record({ url, by: value, byName: value, exact: value, note: value, at: value, site: nasty, image: nasty, savedBy: nasty }),
					{ minLength: 1, maxLength: 4 }
				),
				(rows) => {
					const doc = newGroup();
					const text = Papa.unparse({
						fields: ['url', 'site', 'image', 'saved_by', 'saved_by_id', 'highlights_json', 'notes_json'],
						data: rows.map((r) => [
							typeof r.url === 'string' ? r.url : '',
							r.site,
							r.image,
							r.savedBy,
							r.savedBy,
							JSON.stringify([{ id: r.by, exact: r.exact, note: r.note, by: r.by, by_name: r.byName, created_at: r.at }]),
							JSON.stringify([{ text: r.note, by: r.by, by_name: r.byName, created_at: r.at, edited_at: r.at }])
						])
					});
					let refused = false;
					const updates = changeCount(doc, () => {
						try {
							importFile(doc, member('alice'), { name: 'x.csv', text });
						} catch (error) {
							expect(error).toBeInstanceOf(ImportError);
							refused = true;
						}
					});
					expect(updates).toBe(refused ? 0 : 1);
					for (const m of listMembers(doc)) {
						expect(m.name.length).toBeLessThanOrEqual(LIMITS.memberName);
						// A lone surrogate in a key would reach other peers altered.
						expect(m.id).not.toMatch(/[\ud800-\udfff]/);
					}
				}
			),
			{ numRuns: 60 }
		);
	});

	it('a backup naming an invalid member is refused, naming the entry, and changes nothing', () => {
		const doc = newGroup();
		const text = JSON.stringify({
			format: 'commonplace-backup',
			version: 1,
			members: [],
			items: [
				{ url: 'https://ok.example/1', savedBy: [{ memberId: 'alice', at: 1 }] },
				{ url: 'https://ok.example/2', savedBy: [{ memberId: 'alice', at: 1 }], notes: [{ id: 'n1', text: 'x', createdBy: '\u0000', createdAt: 1 }] }
			]
		});
		const updates = changeCount(doc, () =>
			expect(() => importFile(doc, member('alice'), { name: 'b.json', text })).toThrow(/note 1 of item 2 names no valid member/)
		);
		expect(updates).toBe(0);
		// A lone surrogate in a member id would reach other peers altered, so it is refused too.
		const lone = text.replace('\\u0000', '\\ud800');
		expect(lone).toContain('\\ud800');
		expect(() => importFile(doc, member('alice'), { name: 'b.json', text: lone })).toThrow(/note 1 of item 2 names no valid member/);
	});

	it('refuses a backup from a newer version', () => {
		expect(() => importFile(newGroup(), member('alice'), { name: 'b.json', text: '{"format":"commonplace-backup","version":99}' })).toThrow(
			/newer version of Commonplace/
		);
	});
});

describe('backup view counts', () => {
	it('restores view counts up to a budget and says so when it clips them', () => {
		const items = [1, 2, 3].map((n) => ({ url: `https://ok.example/${n}`, savedBy: [{ memberId: 'alice', at: n }], viewsByMember: { alice: 90_000 } }));
		// Planning alone shows the clipping; applying 200,000 single views would only make the test slow.
		const plan = planImport({ name: 'b.json', text: JSON.stringify({ format: 'commonplace-backup', version: 1, items }) });
		expect(plan.items.map((item) => item.views)).toEqual([{ alice: 90_000 }, { alice: 90_000 }, { alice: 20_000 }]);
		expect(plan.skipped).toEqual([{ where: 'view counts', reason: expect.stringMatching(/first 200,000 views/) }]);
	});
});
