// Times the relay's own SQLite store on a big group, in a fresh process so nothing is warm in memory
// but the operating system's file cache: loading the group into a Y.Doc as a room does, and compacting
// a snapshot plus a log of ordinary edits. Run by bench/big-group/relay-figures.ts; prints one JSON line.
import * as Y from 'yjs';
import { addNote, roots } from '../../src/lib/model';
import { createSqliteStore, openDatabase } from '../../server/persistence/sqlite';

const [dataDir, groupId, editsArg] = process.argv.slice(2);
const edits = Number(editsArg ?? 1_000);

const db = openDatabase(dataDir);
const store = createSqliteStore(db);

// Cold load, the way a room loads: read everything stored, apply it in one transaction.
let start = performance.now();
const stored = await store.load(groupId);
if (!stored) throw new Error(`The group ${groupId} is not in ${dataDir}.`);
const readMs = performance.now() - start;
const doc = new Y.Doc();
doc.transact(() => {
	for (const update of stored.updates) Y.applyUpdate(doc, update);
});
const loadMs = performance.now() - start;
const storedBefore = stored.size;

// Ordinary edits logged after the snapshot: notes on items across the group, each one update.
const itemIds = [...roots(doc).items.keys()];
const logged: Uint8Array[] = [];
const onUpdate = (update: Uint8Array) => logged.push(update);
doc.on('update', onUpdate);
for (let i = 0; i < edits; i++) {
	addNote(doc, { memberId: 'member-compaction' }, itemIds[(i * 7_919) % itemIds.length], { text: `A later note, number ${i}.` });
}
doc.off('update', onUpdate);
for (const update of logged) await store.append(groupId, update);

start = performance.now();
const after = await store.compact(groupId);
const compactionMs = performance.now() - start;
await store.close();
db.close();

console.log(
	JSON.stringify({
		storedBytes: storedBefore.totalBytes,
		storedUpdates: stored.updates.length,
		readMs,
		loadMs,
		compactedUpdates: logged.length,
		compactionMs,
		snapshotBytes: after.totalBytes
	})
);
