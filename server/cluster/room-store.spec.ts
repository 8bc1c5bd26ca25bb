// The cluster's store against the real PostgreSQL and Redis: one compaction of a group at a time
// across processes, and stream trims that never reach past what PostgreSQL holds.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clusterSettings, freshClusterName, removeCluster } from '../../tests/helpers/cluster.ts';
import { resolveConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { openClusterStore } from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A process's store on a shared test cluster. */
async function storeOn(clusterName: string, options: { compactionPauseMs?: number; streamRetainMs?: number } = {}) {
	const parts = await openClusterStore(resolveConfig({ ...clusterSettings(clusterName), logLevel: 'silent', ...options }), createLogger('silent'));
	cleanups.push(async () => {
		parts.commands.disconnect();
		await parts.pool.end();
	});
	return parts;
}

function newCluster(): string {
	const name = freshClusterName();
	cleanups.push(() => removeCluster(name));
	return name;
}

function edits(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	for (let i = 0; i < count; i++) doc.getArray<number>('log').push([i]);
	return { doc, updates };
}

describe('the cluster store', () => {
	it('lets one process at a time compact a group; the other skips it and nothing is lost', async () => {
		const name = newCluster();
		const first = await storeOn(name, { compactionPauseMs: 300 });
		const second = await storeOn(name, { compactionPauseMs: 300 });
		const { doc, updates } = edits(8);
		for (const update of updates) await first.store.append('g', update);
		const outcomes = await Promise.all([first.store.compactGroup('g'), second.store.compactGroup('g')]);
		expect(outcomes.map((o) => o.skipped).sort()).toEqual([false, true]);
		const stored = await second.store.load('g');
		expect(stored!.updates).toHaveLength(1);
		const rebuilt = new Y.Doc();
		for (const update of stored!.updates) Y.applyUpdate(rebuilt, update);
		expect(rebuilt.getArray('log').toJSON()).toEqual(doc.getArray('log').toJSON());
	});

	it('adds each update to the group stream once committed, and trims the stream only below what was folded', async () => {
		const name = newCluster();
		const { store, commands, keys } = await storeOn(name, { streamRetainMs: 0 });
		const { updates } = edits(13);
		for (const update of updates.slice(0, 10)) await store.append('g', update);
		expect(await commands.xlen(keys.updates('g'))).toBe(10);
		const outcome = await store.compactGroup('g');
		expect(outcome.skipped).toBe(false);
		// Everything below the newest folded entry goes; that entry stays as the readers' marker.
		expect(outcome.trimmed).toBe(9);
		for (const update of updates.slice(10)) await store.append('g', update);
		expect(await commands.xlen(keys.updates('g'))).toBe(4);

		// With a retention window, entries already folded stay for processes still reading them.
		const keeping = await storeOn(name, { streamRetainMs: 60_000 });
		expect((await keeping.store.compactGroup('g')).trimmed).toBe(0);
		expect(await commands.xlen(keys.updates('g'))).toBe(4);
	});
});
