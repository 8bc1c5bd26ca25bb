// The one contract every UpdateLog passes: the in-memory twin in unit tests, IndexedDB in Chromium.
// Plain async checks (no test framework) so the same code runs inside a browser page.
import * as Y from 'yjs';
import { persistGroup } from './group-persistence';
import { sameKey, type UpdateLog } from './update-log';

/** Returns a function opening the same fresh, empty storage once per "tab". */
export type NewStorage = () => Promise<() => UpdateLog>;

export interface ContractCase {
	name: string;
	run(newStorage: NewStorage): Promise<void>;
}

class ContractFailure extends Error {}

function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new ContractFailure(message);
}

const bytes = (...values: number[]) => new Uint8Array(values);
const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

function docWith(text: string): Y.Doc {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, text);
	return doc;
}

export const updateLogContract: ContractCase[] = [
	{
		name: 'an unknown group loads as empty',
		async run(newStorage) {
			const log = (await newStorage())();
			check((await log.load('nothing-here')).length === 0, 'expected no entries');
		}
	},
	{
		name: 'appended entries load back with their bytes, flags and distinct keys',
		async run(newStorage) {
			const log = (await newStorage())();
			const keys = await log.append('g1', [
				{ update: bytes(1, 2, 3), waiting: true },
				{ update: bytes(4), waiting: false }
			]);
			check(keys.length === 2 && !sameKey(keys[0], keys[1]), 'expected two distinct keys');
			const loaded = await log.load('g1');
			check(loaded.length === 2, `expected 2 entries, got ${loaded.length}`);
			check(loaded[0].update instanceof Uint8Array, 'updates load as Uint8Array');
			check(equalBytes(loaded[0].update, bytes(1, 2, 3)) && loaded[0].waiting === true, 'first entry intact');
			check(equalBytes(loaded[1].update, bytes(4)) && loaded[1].waiting === false, 'second entry intact');
			check(sameKey(loaded[0].key, keys[0]) && sameKey(loaded[1].key, keys[1]), 'keys match and keep append order');
		}
	},
	{
		name: 'stored bytes are a copy of what was appended',
		async run(newStorage) {
			const log = (await newStorage())();
			const update = bytes(9, 9);
			await log.append('g1', [{ update, waiting: false }]);
			update[0] = 0;
			const [entry] = await log.load('g1');
			check(entry.update[0] === 9, 'changing the caller\'s array must not change storage');
		}
	},
	{
		name: 'a large entry (a group downloaded whole) loads back byte for byte, beside small ones',
		async run(newStorage) {
			const log = (await newStorage())();
			const large = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) & 255);
			await log.append('g1', [{ update: bytes(1), waiting: false }, { update: large, waiting: true }]);
			large[0] = 0;
			const loaded = await log.load('g1');
			check(loaded.length === 2 && loaded[1].update instanceof Uint8Array, 'the large entry loads as Uint8Array');
			check(loaded[1].update.length === 300_000 && loaded[1].update.every((v, i) => v === ((i * 31 + 7) & 255)), 'the large entry is intact and a copy of what was appended');
			check(loaded[1].waiting === true && equalBytes(loaded[0].update, bytes(1)), 'flags and the small entry intact');
		}
	},
	{
		name: 'groups are kept apart, and removing one leaves the others',
		async run(newStorage) {
			const log = (await newStorage())();
			await log.append('g1', [{ update: bytes(1), waiting: false }]);
			await log.append('g10', [{ update: bytes(2), waiting: false }]);
			await log.append('g2', [{ update: bytes(3), waiting: false }]);
			check((await log.load('g1')).length === 1, 'g1 holds only its own entry (not g10\'s)');
			await log.remove('g1');
			check((await log.load('g1')).length === 0, 'g1 is gone');
			check((await log.load('g10')).length === 1 && (await log.load('g2')).length === 1, 'other groups stay');
		}
	},
	{
		name: 'replace deletes exactly the given keys and adds one entry',
		async run(newStorage) {
			const log = (await newStorage())();
			const keys = await log.append('g1', [
				{ update: bytes(1), waiting: false },
				{ update: bytes(2), waiting: false },
				{ update: bytes(3), waiting: true }
			]);
			const merged = await log.replace('g1', keys.slice(0, 2), { update: bytes(1, 2), waiting: false });
			const loaded = await log.load('g1');
			check(loaded.length === 2, `expected 2 entries after replace, got ${loaded.length}`);
			check(loaded.some((s) => sameKey(s.key, keys[2]) && s.waiting), 'the entry not named survives');
			check(loaded.some((s) => sameKey(s.key, merged) && equalBytes(s.update, bytes(1, 2))), 'the merged entry is stored');
		}
	},
	{
		name: 'two tabs append without overwriting each other, and compaction keeps what it did not merge',
		async run(newStorage) {
			const open = await newStorage();
			const tabA = open();
			const tabB = open();
			await Promise.all([
				tabA.append('g1', [{ update: bytes(1), waiting: false }]),
				tabB.append('g1', [{ update: bytes(2), waiting: false }]),
				tabA.append('g1', [{ update: bytes(3), waiting: false }]),
				tabB.append('g1', [{ update: bytes(4), waiting: false }])
			]);
			const seen = await tabA.load('g1');
			check(seen.length === 4, `expected 4 entries from two tabs, got ${seen.length}`);
			// Tab B appends after A loaded; A's compaction must not delete it.
			await tabB.append('g1', [{ update: bytes(5), waiting: false }]);
			await tabA.replace('g1', seen.map((s) => s.key), { update: bytes(1, 2, 3, 4), waiting: false });
			const after = await tabB.load('g1');
			check(after.length === 2, `expected merged + late entry, got ${after.length}`);
			check(after.some((s) => equalBytes(s.update, bytes(5))), 'the late entry of the other tab survives');
		}
	},
	{
		name: 'two tabs compacting the same entries at once lose nothing',
		async run(newStorage) {
			const open = await newStorage();
			const tabA = open();
			const tabB = open();
			await tabA.append('g1', [
				{ update: bytes(1), waiting: false },
				{ update: bytes(2), waiting: false }
			]);
			const seen = await tabA.load('g1');
			await Promise.all([
				tabA.replace('g1', seen.map((s) => s.key), { update: bytes(1, 2), waiting: false }),
				tabB.replace('g1', seen.map((s) => s.key), { update: bytes(1, 2), waiting: false })
			]);
			const after = await tabA.load('g1');
			check(after.length >= 1 && after.every((s) => equalBytes(s.update, bytes(1, 2))), 'only merged copies remain');
		}
	},
	{
		name: 'settled entries keep their bytes and key, and only the named ones stop waiting',
		async run(newStorage) {
			const open = await newStorage();
			const log = open();
			const keys = await log.append('g1', [
				{ update: bytes(1), waiting: true },
				{ update: bytes(2), waiting: true }
			]);
			await log.settle('g1', [keys[0]]);
			const [later] = await log.append('g1', [{ update: bytes(3), waiting: true }]);
			await log.settle('other-group', keys);
			const loaded = await open().load('g1');
			check(loaded.length === 3, `expected 3 entries, got ${loaded.length}`);
			check(sameKey(loaded[0].key, keys[0]) && equalBytes(loaded[0].update, bytes(1)) && !loaded[0].waiting, 'the settled entry is intact and settled');
			check(loaded[1].waiting && equalBytes(loaded[1].update, bytes(2)), 'the next entry still waits');
			check(sameKey(loaded[2].key, later) && loaded[2].waiting, 'an entry appended after settling still waits');
			await log.settle('g1', [keys[1], later]);
			check((await open().load('g1')).every((s) => !s.waiting), 'settling the rest leaves nothing waiting');
		}
	},
	{
		name: 'a persisted group reloads with every local and remote change, compacted',
		async run(newStorage) {
			const open = await newStorage();
			const remote = {};
			const doc = new Y.Doc();
			const persistence = persistGroup(doc, 'g1', open(), { isLocal: (o) => o !== remote, compactAfter: 5 });
			await persistence.loaded;
			for (let i = 0; i < 12; i++) doc.getText('t').insert(doc.getText('t').length, String(i % 10));
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(docWith('remote ')), remote);
			await persistence.flushed();
			const waitingBefore = persistence.state.waiting;
			check(waitingBefore === 12, `expected 12 waiting local changes, got ${waitingBefore}`);
			persistence.confirm(persistence.mark());
			for (let i = 0; i < 8; i++) Y.applyUpdate(doc, Y.encodeStateAsUpdate(docWith(`r${i}`)), remote);
			await persistence.flushed();
			check(persistence.state.waiting === 0, 'confirmed changes no longer wait');
			const stored = await open().load('g1');
			check(stored.length <= 3, `expected the log compacted to a few entries, got ${stored.length}`);
			check(stored.every((s) => !s.waiting), 'nothing waits after confirmation');

			const reloaded = new Y.Doc();
			const again = persistGroup(reloaded, 'g1', open(), { isLocal: () => true });
			await again.loaded;
			check(reloaded.getText('t').toString() === doc.getText('t').toString(), 'the reloaded text equals the original');
			again.destroy();
			persistence.destroy();
		}
	},
	{
		name: 'local changes still waiting are counted again after a reload',
		async run(newStorage) {
			const open = await newStorage();
			const doc = new Y.Doc();
			const persistence = persistGroup(doc, 'g1', open(), { isLocal: () => true });
			await persistence.loaded;
			doc.getMap('m').set('a', 1);
			doc.getMap('m').set('b', 2);
			doc.getMap('m').delete('a');
			await persistence.flushed();
			persistence.destroy();

			const reloaded = new Y.Doc();
			const again = persistGroup(reloaded, 'g1', open(), { isLocal: () => true });
			await again.loaded;
			check(again.state.waiting === 3, `expected 3 waiting changes after reload, got ${again.state.waiting}`);
			check(reloaded.getMap('m').get('b') === 2 && !reloaded.getMap('m').has('a'), 'the map reloads as left');
			again.confirm(again.mark());
			await again.flushed();
			const stored = await open().load('g1');
			check(stored.every((s) => !s.waiting), 'confirmed entries are stored settled');
			again.destroy();
		}
	},
	{
		name: 'two tabs persisting one group both reload everything',
		async run(newStorage) {
			const open = await newStorage();
			const docA = new Y.Doc();
			const docB = new Y.Doc();
			const a = persistGroup(docA, 'g1', open(), { isLocal: () => true, compactAfter: 3 });
			const b = persistGroup(docB, 'g1', open(), { isLocal: () => true, compactAfter: 3 });
			await Promise.all([a.loaded, b.loaded]);
			for (let i = 0; i < 10; i++) {
				docA.getArray<string>('x').push([`a${i}`]);
				docB.getArray<string>('x').push([`b${i}`]);
				if (i % 3 === 0) {
					a.confirm(a.mark());
					b.confirm(b.mark());
				}
			}
			await Promise.all([a.flushed(), b.flushed()]);
			a.destroy();
			b.destroy();
			const reloaded = new Y.Doc();
			const again = persistGroup(reloaded, 'g1', open(), { isLocal: () => true });
			await again.loaded;
			const all = reloaded.getArray<string>('x').toArray();
			check(all.length === 20, `expected 20 entries from both tabs, got ${all.length}`);
			again.destroy();
		}
	}
];

/** Runs every case; returns one line per failure (empty when all pass). For the browser run. */
export async function runUpdateLogContract(newStorage: NewStorage): Promise<{ passed: string[]; failed: string[] }> {
	const passed: string[] = [];
	const failed: string[] = [];
	for (const c of updateLogContract) {
		try {
			await c.run(newStorage);
			passed.push(c.name);
		} catch (error) {
			failed.push(`${c.name}: ${(error as Error).message}`);
		}
	}
	return { passed, failed };
}
