// Round trips through every export format, as properties: for random groups, exporting and importing
// the file into an empty group gives back everything the format has a place for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addHighlight, addItem, addNote, addReply, bookkeepingOrigin, deleteReply, editReply, fillPageDetails, flag, listMembers, readAllItems, setHidden, setMemberProfile, type ReplyParentKind, type Target } from '../model/index';
import { member, newGroup, snapshot } from '../../../tests/fixtures/interchange/helpers';
import { exportGroup, type ExportFormat } from './export/index';
import { importFile } from './import/index';

const T0 = Date.UTC(2024, 0, 1);

/** Text with what breaks naive formats: separators, quotes, markup, entities, markers, newlines, emoji. */
const piece = fc.constantFrom(
	'machine learning', 'a', 'Zo', 'é', '🐟', ' ', '  ', '\n', '\n\n', ',', '"', "'", '<b>', '&amp;', '&', '#', '%20', '+',
	'=SUM(A1)', '-', '@', 'Highlight: ', 'highlight:', '- ', '[', ']', '{"x":1}', 'no_tag', 'TAGS="x"', '\t'
);
const text = (min: number) => fc.array(piece, { minLength: min, maxLength: 8 }).map((parts) => parts.join(''));
const nonBlank = text(1).filter((s) => s.trim().length > 0 && s.replace(/[\s\u0000-\u001f]/g, '').length > 0);
const tag = fc.array(fc.constantFrom('machine learning', 'amateur', 'a', 'x "y" z', 'travail & emploi', 'é', '🐟', 'two  words', 'no', 'tag'), { minLength: 1, maxLength: 2 }).map((p) => p.join(' '));
const query = fc.constantFrom('', '?view', '?q=two%20words', '?q=a+b&view=', '?path=a/b', '#/inbox', '#!/post/3', '?a=1#/r');

/** Where the browser extension found the passage (offsets into the page's text), or nothing. */
const position = fc.option(
	fc.record({ start: fc.nat({ max: 1e8 - 2e4 }), length: fc.integer({ min: 1, max: 2e4 }) }).map(({ start, length }) => ({ start, end: start + length })),
	{ nil: undefined }
);
const highlight = fc.record({
	exact: nonBlank,
	prefix: text(0),
	suffix: text(0),
	note: text(0),
	position,
	by: fc.integer({ min: 0, max: 2 }),
	at: fc.integer({ min: 1, max: 1e9 })
});
const note = fc.record({ text: nonBlank, by: fc.integer({ min: 0, max: 2 }), at: fc.integer({ min: 1, max: 1e9 }) });
/** A reply to the n-th thing that can be answered so far (notes, highlights, earlier replies), maybe edited or deleted. */
const reply = fc.record({
	parent: fc.nat(),
	text: nonBlank,
	by: fc.integer({ min: 0, max: 2 }),
	at: fc.integer({ min: 1, max: 1e9 }),
	edit: fc.option(nonBlank, { nil: undefined }),
	deleted: fc.boolean()
});
/** A flag or an owner's decision on the n-th thing of the group. */
const moderation = fc.record({ target: fc.nat(), by: fc.integer({ min: 0, max: 2 }), reason: nonBlank, hide: fc.option(fc.boolean(), { nil: undefined }) });
const item = fc.record({
	query,
	title: text(0),
	site: text(0),
	image: fc.boolean(),
	favicon: fc.boolean(),
	/** When the relay read the page's details, after saving; null: not yet. */
	detailsAt: fc.option(fc.integer({ min: 1, max: 1e9 })),
	description: text(0),
	tags: fc.uniqueArray(tag, { maxLength: 4 }),
	by: fc.integer({ min: 0, max: 2 }),
	at: fc.integer({ min: 0, max: 1e10 }),
	highlights: fc.array(highlight, { maxLength: 3 }),
	notes: fc.array(note, { maxLength: 2 })
});
const groupSpec = fc.array(item, { minLength: 1, maxLength: 5 });
const conversationSpec = fc.record({ replies: fc.array(reply, { maxLength: 6 }), moderation: fc.array(moderation, { maxLength: 4 }) });

type GroupSpec = typeof groupSpec extends fc.Arbitrary<infer G> ? G : never;

const MEMBERS = ['alice', 'bob', 'chloé'];

function build(spec: GroupSpec): Y.Doc {
	const doc = newGroup('Round trip', member('alice', T0));
	setMemberProfile(doc, member('bob', T0), { name: 'Bob "B" <b>', color: '#aa3300' });
	setMemberProfile(doc, member('chloé', T0), { name: 'Chloé, 🐟', color: '#00aa33' });
	spec.forEach((entry, i) => {
		const by = (n: number, at: number) => member(MEMBERS[n], T0 + at);
		const { itemId } = addItem(doc, by(entry.by, entry.at), {
			url: `https://example.org/p${i}${entry.query}`,
			title: entry.title,
			site: entry.site,
			image: entry.image ? `https://example.org/img/${i}.png` : undefined,
			favicon: entry.favicon ? `https://example.org/icons/${i}.ico` : undefined,
			description: entry.description,
			tags: entry.tags
		});
		if (entry.detailsAt !== null) fillPageDetails(doc, bookkeepingOrigin(by(entry.by, entry.at + entry.detailsAt)), itemId, {});
		for (const h of entry.highlights) addHighlight(doc, by(h.by, entry.at + h.at), itemId, h);
		for (const n of entry.notes) addNote(doc, by(n.by, entry.at + n.at), itemId, n);
	});
	return doc;
}

/** Replies, flags and owners' decisions on a built group. */
function converse(doc: Y.Doc, spec: typeof conversationSpec extends fc.Arbitrary<infer C> ? C : never): void {
	const items = readAllItems(doc);
	const parents: { kind: ReplyParentKind; id: string }[] = items.flatMap((i) => [...i.notes.map((n) => ({ kind: 'note' as const, id: n.id })), ...i.highlights.map((h) => ({ kind: 'highlight' as const, id: h.id }))]);
	for (const r of spec.replies) {
		if (!parents.length) break;
		const author = member(MEMBERS[r.by], T0 + r.at);
		const id = addReply(doc, author, parents[r.parent % parents.length], { text: r.text });
		if (r.edit) editReply(doc, member(MEMBERS[r.by], T0 + r.at + 1), id, r.edit);
		if (r.deleted) deleteReply(doc, member(MEMBERS[r.by], T0 + r.at + 2), id);
		parents.push({ kind: 'reply', id });
	}
	const targets: Target[] = [...items.map((i) => ({ kind: 'item' as const, id: i.id })), ...parents];
	for (const m of spec.moderation) {
		const target = targets[m.target % targets.length];
		const by = member(MEMBERS[m.by], T0 + m.target);
		if (m.hide === undefined) flag(doc, by, target, m.reason);
		else setHidden(doc, by, target, m.hide);
	}
}

/** Exports and imports into a new group; the importer is an owner, so hide decisions come back too. */
function roundTrip(doc: Y.Doc, format: ExportFormat): Y.Doc {
	const file = exportGroup(doc, format);
	const restored = newGroup('Restored', member('carol', T0));
	importFile(restored, member('carol', T0), { name: file.filename, text: file.body }, undefined, { owner: true });
	return restored;
}

/** What a format can hold of a group, with authors by name (a new group gives them new member ids). */
function shape(doc: Y.Doc, format: ExportFormat) {
	const names = new Map(listMembers(doc).map((m) => [m.id, m.name]));
	const who = (id: string) => names.get(id) ?? `?${id}`;
	return readAllItems(doc)
		.filter((i) => i.deletedAt === null)
		.map((i) => {
			const base = { url: i.url, tags: i.tags, description: i.description, site: i.site, image: i.image };
			if (format === 'html') return { ...base, favicon: i.favicon, title: i.title || i.url, savedAt: Math.floor(i.createdAt / 1000) };
			return {
				...base,
				title: i.title,
				savedAt: i.createdAt,
				savedBy: who(i.createdBy),
				// Passages saved at the same moment have no order of their own (the model orders them by id).
				highlights: i.highlights.map((h) => JSON.stringify([h.exact, h.prefix, h.suffix, h.position ?? null, h.note, h.createdAt, who(h.createdBy)])).sort(),
				notes: i.notes.map((n) => JSON.stringify([n.text, n.createdAt, who(n.createdBy)])).sort()
			};
		})
		.sort((a, b) => (a.url < b.url ? -1 : 1));
}

const RUNS = { numRuns: Number(process.env.ROUND_TRIP_RUNS ?? 40) };

describe('round trips keep everything a format can hold', () => {
	it('JSON backup: an identical group, page icons, page-details dates and highlight positions included', () => {
		fc.assert(fc.property(groupSpec, (spec) => {
			const doc = build(spec);
			expect(snapshot(roundTrip(doc, 'json'))).toBe(snapshot(doc));
		}), RUNS);
	});

	it('JSON backup: replies at any depth (edited and deleted ones too), flags and owners’ decisions', () => {
		fc.assert(fc.property(groupSpec, conversationSpec, (spec, talk) => {
			const doc = build(spec);
			converse(doc, talk);
			expect(snapshot(roundTrip(doc, 'json'))).toBe(snapshot(doc));
		}), RUNS);
	});

	it('Netscape HTML: addresses, titles, tags, save dates (to the second), descriptions, sites, images and icons', () => {
		fc.assert(fc.property(groupSpec, (spec) => {
			const doc = build(spec);
			expect(shape(roundTrip(doc, 'html'), 'html')).toEqual(shape(doc, 'html'));
		}), RUNS);
	});

	it('W3C Web Annotation JSON-LD: items, tags, highlights with quote and position selectors, notes, authors and dates', () => {
		fc.assert(fc.property(groupSpec, (spec) => {
			const doc = build(spec);
			expect(shape(roundTrip(doc, 'jsonld'), 'jsonld')).toEqual(shape(doc, 'jsonld'));
		}), RUNS);
	});

	it('CSV: items, tags, highlights with quote and position selectors and notes, separate notes, authors, sites and dates', () => {
		fc.assert(fc.property(groupSpec, (spec) => {
			const doc = build(spec);
			expect(shape(roundTrip(doc, 'csv'), 'csv')).toEqual(shape(doc, 'csv'));
		}), RUNS);
	});
});
