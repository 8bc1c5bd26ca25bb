// Invariant 6: a group written by a newer schema is never changed by this code.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addHighlight, addNote } from './annotations';
import { ModelError } from './errors';
import { createGroup, getGroupInfo, renameGroup, setMemberProfile } from './group';
import { addItem, addTags, countView, deleteItem } from './items';
import { listItems } from './queries';
import { SCHEMA_VERSION, roots } from './schema';
import { newDoc, syncAll, testActor } from './testing';

describe('a document from a newer schema', () => {
	it('is readable, reported read-only, and refuses every write without changing', () => {
		const doc = newDoc();
		const ana = testActor('ana');
		createGroup(doc, ana, { name: 'G' });
		const { itemId } = addItem(doc, ana, { url: 'https://e.org', title: 'Kept' });

		const newer = newDoc();
		syncAll(doc, newer);
		newer.transact(() => roots(newer).meta.set('schemaVersion', SCHEMA_VERSION + 1));
		syncAll(doc, newer);

		expect(getGroupInfo(doc)).toMatchObject({ schemaVersion: SCHEMA_VERSION + 1, writable: false });
		expect(listItems(doc).items.map((i) => i.title)).toEqual(['Kept']);

		const before = Y.encodeStateAsUpdate(doc);
		const writes = [
			() => addItem(doc, ana, { url: 'https://e.org/2' }),
			() => addTags(doc, ana, itemId, 'x'),
			() => deleteItem(doc, ana, itemId),
			() => countView(doc, ana, itemId),
			() => addHighlight(doc, ana, itemId, { exact: 'q' }),
			() => addNote(doc, ana, itemId, { text: 'n' }),
			() => renameGroup(doc, ana, 'Other'),
			() => setMemberProfile(doc, ana, { name: 'A', color: '#000000' })
		];
		for (const write of writes) {
			let error: unknown;
			try {
				write();
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(ModelError);
			expect((error as ModelError).code).toBe('schema-too-new');
			expect((error as ModelError).message).toMatch(/newer version of Commonplace.*read-only/);
		}
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('creating a group over an existing one keeps its schema version and creator', () => {
		const doc = newDoc();
		createGroup(doc, testActor('ana'), { name: 'G' });
		createGroup(doc, testActor('bo', 1_800_000_000_000), { name: 'Renamed' });
		expect(getGroupInfo(doc)).toMatchObject({ name: 'Renamed', createdBy: 'ana', schemaVersion: SCHEMA_VERSION });
	});
});
