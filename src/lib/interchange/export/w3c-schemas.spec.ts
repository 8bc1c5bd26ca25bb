// Runs the W3C Web Annotation test suite's MUST assertions (its own JSON Schemas, vendored in
// tests/fixtures/w3c-schemas) against our JSON-LD export: every annotation, the collection and its page.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { addHighlight, addItem, addNote, editItem, setMemberProfile } from '../../model/index';
import { member, newGroup } from '../../../../tests/fixtures/interchange/helpers';
import { webAnnotationCollection } from './web-annotation';

const SCHEMAS = join(import.meta.dirname, '../../../../tests/fixtures/w3c-schemas');
const read = (path: string) => JSON.parse(readFileSync(join(SCHEMAS, path), 'utf8'));

function validator() {
	const ajv = new Ajv({ allErrors: true, strict: false });
	addFormats(ajv);
	for (const file of readdirSync(join(SCHEMAS, 'definitions'))) if (file.endsWith('.json')) ajv.addSchema(read(`definitions/${file}`));
	return ajv;
}

function group() {
	const doc = newGroup('Tic&Travail <W3C>');
	const bob = member('bob', Date.UTC(2026, 0, 16));
	setMemberProfile(doc, bob, { name: 'Bob', color: '#aa3300' });
	const a = addItem(doc, member('alice'), {
		url: 'https://example.org/amateurs?view#/route',
		title: 'Amateurs & <work>',
		site: 'Example',
		image: 'https://example.org/cover.png',
		description: 'Two\nlines',
		tags: ['machine learning', 'amateur']
	}).itemId;
	addHighlight(doc, bob, a, { exact: 'amateurs do\nreal work', prefix: 'We argue that ', suffix: ' every day.', note: 'The *claim*.' });
	addHighlight(doc, member('alice'), a, { exact: 'no note here', position: { start: 120, end: 132 } });
	addNote(doc, bob, a, { text: 'Bob agrees.' });
	editItem(doc, member('alice', Date.UTC(2026, 0, 17)), a, { title: 'Amateurs at work' });
	addItem(doc, bob, { url: 'https://example.com/bare' });
	return doc;
}

/** The suite's assertions for one of its *Musts.test files, compiled. */
function assertions(test: string) {
	const ajv = validator();
	return (read(test).assertions as string[]).map((path) => {
		const schema = read(path);
		return { path, message: schema.errorMessage as string, validate: ajv.compile(schema) };
	});
}

function failures(checks: ReturnType<typeof assertions>, value: unknown): string[] {
	return checks.filter((check) => !check.validate(value)).map((check) => `${check.path}: ${check.message}`);
}

describe('our W3C JSON-LD export passes the W3C test suite’s MUST assertions', () => {
	const collection = webAnnotationCollection(group());
	const page = collection.first as { items: Record<string, unknown>[] };

	it('every annotation (annotationMusts.test)', () => {
		const checks = assertions('annotationMusts.test');
		expect(checks.length).toBeGreaterThan(50);
		expect(page.items.length).toBe(5);
		// The suite checks one annotation at a time, as its own document, so each gets the collection's context.
		for (const annotation of page.items) expect(failures(checks, { '@context': collection['@context'], ...annotation })).toEqual([]);
	});

	it('the collection (collectionMusts.test)', () => {
		expect(failures(assertions('collectionMusts.test'), collection)).toEqual([]);
	});

	it('its page (pageMusts.test), which has an id', () => {
		expect(failures(assertions('pageMusts.test'), { '@context': collection['@context'], ...page })).toEqual([]);
	});

	it('the suite’s assertions do catch a broken annotation', () => {
		const checks = assertions('annotationMusts.test');
		const broken = { '@context': collection['@context'], ...page.items[0], id: 'not a uri', target: undefined };
		expect(failures(checks, broken).length).toBeGreaterThan(0);
	});
});
