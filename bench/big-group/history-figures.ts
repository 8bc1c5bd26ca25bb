// What history costs on the big group: the space its log and checkpoint take in SQLite (against the
// same group kept without history), how long the relay takes to read and replay it for an item's
// timeline, the group's recent changes and "view as it was" (on the history thread, with the event
// loop's longest stall meanwhile), and folding history past the retention into the checkpoint.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { addNote, editItem, roots, setTags } from '../../src/lib/model';
import { seededRandom } from '../../src/lib/model/testing';
import { createSqliteStore, openDatabase, DATABASE_FILE } from '../../server/persistence/sqlite';
import { HistoryThread } from '../../server/history/thread';
import type { RoomStore } from '../../server/persistence/types';
import { round } from '../stats';
import { buildBigGroup, type BigGroupSize } from './build';

export interface HistoryFigures {
	/** Updates the group was built with, each logged as the relay would (one model write each). */
	builtUpdates: number;
	edits: number;
	bytes: { withoutHistory: number; withHistory: number; snapshot: number; checkpoint: number; history: number };
	ms: {
		loadHistory: number;
		/** The first read of the group's history: all of it read and replayed. */
		itemTimeline: number;
		/** Then, with a few edits since: only those read and replayed on the kept replay. */
		groupFeed: number;
		itemTimelineAgain: number;
		versionAt: number;
		fold: number;
		plainCompaction: number;
	};
	/** The event loop's longest stall while the history was read and replayed (on threads). */
	loopStallMs: number;
	/** The same, over the requests answered from the kept replay only. */
	loopStallAgainMs: number;
	/** After folding history past the retention: the checkpoint and what is left of the log. */
	afterFold: { checkpoint: number; history: number; updates: number };
}

const DAY = 86_400_000;
const GROUP = 'big-history';

function fileBytes(dir: string): number {
	let total = 0;
	for (const suffix of ['', '-wal']) {
		try {
			total += statSync(join(dir, DATABASE_FILE + suffix)).size;
		} catch {
			// No WAL left after a checkpoint.
		}
	}
	return total;
}

async function appendAll(store: RoomStore, updates: Uint8Array[], at: (i: number) => number): Promise<void> {
	for (let i = 0; i < updates.length; i += 2_000) {
		// Members take turns, each sending a session's worth of changes.
		const member = (n: number) => Math.floor(n / 100) % 12;
		await Promise.all(updates.slice(i, i + 2_000).map((u, j) => store.append(GROUP, u, { tokenId: `token-${member(i + j)}`, name: `Member ${member(i + j)}`, at: at(i + j) })));
	}
}

/** The big group's updates as a relay would have logged them, then a day of ordinary edits on top. */
async function groupLog(size: BigGroupSize, edits: number): Promise<{ built: Uint8Array[]; logged: Uint8Array[]; edited: string }> {
	const doc = new Y.Doc();
	const built: Uint8Array[] = [];
	const onUpdate = (update: Uint8Array) => built.push(update);
	doc.on('update', onUpdate);
	await buildBigGroup(doc, size);
	// Titles, tags and notes across the group; one item in ten edits is the same one.
	const logged: Uint8Array[] = [];
	doc.off('update', onUpdate);
	doc.on('update', (update: Uint8Array) => logged.push(update));
	const itemIds = [...roots(doc).items.keys()];
	const rand = seededRandom(7);
	const actor = { memberId: 'member-1' };
	const edited = itemIds[0];
	for (let i = 0; i < edits; i++) {
		const itemId = i % 10 === 0 ? edited : itemIds[Math.floor(rand() * itemIds.length)];
		if (i % 3 === 0) editItem(doc, actor, itemId, { title: `Edited title ${i}` });
		else if (i % 3 === 1) setTags(doc, actor, itemId, [`tag-${i % 40}`, 'edited']);
		else addNote(doc, actor, itemId, { text: `A note written during the day, number ${i}.` });
	}
	doc.destroy();
	return { built, logged, edited };
}

export async function measureHistory(size: BigGroupSize, edits = 1_000): Promise<HistoryFigures> {
	const { built, logged, edited } = await groupLog(size, edits);
	const dirs = [mkdtempSync(join(tmpdir(), 'commonplace-history-')), mkdtempSync(join(tmpdir(), 'commonplace-history-'))];
	const [without, withHistory] = dirs.map((dir) => openDatabase(dir));
	const stores = [createSqliteStore(without, { historyDays: 0 }), createSqliteStore(withHistory, { historyDays: 30 })];
	const thread = new HistoryThread();
	try {
		// Built over the last 20 days, then today's edits; each store compacts after each part.
		const start = Date.now() - 20 * DAY;
		// The last edits come after the first history read, as edits do while members read it.
		const later = logged.splice(-20);
		for (const store of stores) {
			await appendAll(store, built, (i) => start + Math.floor((i / built.length) * 19 * DAY));
			await store.compact(GROUP);
			await appendAll(store, logged, () => Date.now());
			await store.compact(GROUP);
		}
		for (const db of [without, withHistory]) db.pragma('wal_checkpoint(TRUNCATE)');
		const sum = (sql: string) => Number((withHistory.prepare(sql).get(GROUP) as { n: number | null }).n ?? 0);
		const bytes = {
			withoutHistory: fileBytes(dirs[0]),
			withHistory: fileBytes(dirs[1]),
			snapshot: sum('SELECT sum(length(body)) AS n FROM group_snapshots WHERE group_id = ?'),
			checkpoint: sum('SELECT sum(length(body)) AS n FROM group_checkpoints WHERE group_id = ?'),
			history: sum('SELECT sum(length(body)) AS n FROM group_history WHERE group_id = ?')
		};

		const store = stores[1];
		// What a relay holds while it serves history is its own: the built group is let go first.
		const lastEdit = later.at(-1)!;
		const counts = { built: built.length, edits: logged.length + later.length };
		built.length = 0;
		logged.length = 0;
		// The thread starts on its first request; that start is not the replay's.
		await thread.cached();
		const loop = monitorEventLoopDelay({ resolution: 10 });
		const again = monitorEventLoopDelay({ resolution: 10 });
		loop.enable();
		let began = performance.now();
		const history = (await store.loadHistory(GROUP))!;
		const loadHistory = performance.now() - began;
		began = performance.now();
		const timeline = (await thread.timeline(store, GROUP, { itemId: edited, limit: 20 }))!;
		const itemTimeline = performance.now() - began;
		again.enable();
		await appendAll(store, later.slice(0, 10), () => Date.now());
		began = performance.now();
		await thread.timeline(store, GROUP, { limit: 20 });
		const groupFeed = performance.now() - began;
		await appendAll(store, later.slice(10), () => Date.now());
		began = performance.now();
		await thread.timeline(store, GROUP, { itemId: edited, limit: 20 });
		const itemTimelineAgain = performance.now() - began;
		again.disable();
		began = performance.now();
		await thread.version(history, edited, timeline.entries.at(-1)!.id);
		const versionAt = performance.now() - began;
		loop.disable();

		// Forty days on: everything but one new edit is past the retention and folded.
		withHistory.prepare('UPDATE group_history SET at = at - ? WHERE group_id = ?').run(40 * DAY, GROUP);
		await store.append(GROUP, lastEdit, { tokenId: 'token-1', name: 'Member 1', at: Date.now() });
		began = performance.now();
		await store.compact(GROUP);
		const fold = performance.now() - began;
		// The same compaction without a fold due, for comparison.
		await store.append(GROUP, lastEdit, { tokenId: 'token-1', name: 'Member 1', at: Date.now() });
		began = performance.now();
		await store.compact(GROUP);
		const plainCompaction = performance.now() - began;
		const afterFold = {
			checkpoint: sum('SELECT sum(length(body)) AS n FROM group_checkpoints WHERE group_id = ?'),
			history: sum('SELECT sum(length(body)) AS n FROM group_history WHERE group_id = ?'),
			updates: sum('SELECT count(*) AS n FROM group_history WHERE group_id = ?')
		};
		return {
			builtUpdates: counts.built,
			edits: counts.edits,
			bytes,
			ms: {
				loadHistory: round(loadHistory),
				itemTimeline: round(itemTimeline),
				groupFeed: round(groupFeed),
				itemTimelineAgain: round(itemTimelineAgain),
				versionAt: round(versionAt),
				fold: round(fold),
				plainCompaction: round(plainCompaction)
			},
			loopStallMs: round(loop.max / 1e6),
			loopStallAgainMs: round(again.max / 1e6),
			afterFold
		};
	} finally {
		await thread.close();
		for (const store of stores) await store.close();
		without.close();
		withHistory.close();
		for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
	}
}
