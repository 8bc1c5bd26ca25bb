// The update log contract against the in-memory twin, plus how persistence behaves when storage fails.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMemoryBacking, createMemoryUpdateLog } from './memory-update-log';
import { updateLogContract } from './update-log.contract';
import { persistGroup } from './group-persistence';
import { StorageError, type UpdateLog } from './update-log';

describe('update log contract: in-memory twin', () => {
	for (const c of updateLogContract) {
		it(c.name, () =>
			c.run(async () => {
				const backing = createMemoryBacking();
				return () => createMemoryUpdateLog(backing);
			})
		);
	}
});

/** A log whose writes fail while `full` is true, like a browser out of quota. */
function flakyLog(): { log: UpdateLog; setFull(full: boolean): void } {
	const inner = createMemoryUpdateLog();
	let full = false;
	const refuse = () => Promise.reject(new StorageError('Browser storage is full.', { quota: true }));
	return {
		setFull: (f) => (full = f),
		log: {
			load: (g) => inner.load(g),
			append: (g, e) => (full ? refuse() : inner.append(g, e)),
			replace: (g, k, e) => (full ? refuse() : inner.replace(g, k, e)),
			settle: (g, k) => (full ? refuse() : inner.settle(g, k)),
			remove: (g) => inner.remove(g)
		}
	};
}

describe('group persistence when storage fails', () => {
	it('reports the error, keeps every change in memory and writes them once storage works again', async () => {
		const { log, setFull } = flakyLog();
		const doc = new Y.Doc();
		const persistence = persistGroup(doc, 'g1', log, { isLocal: () => true, retryMs: 20 });
		await persistence.loaded;
		setFull(true);
		doc.getText('t').insert(0, 'kept');
		await expect(persistence.flushed()).rejects.toThrow(/full/);
		expect(persistence.state.error?.quota).toBe(true);
		expect(doc.getText('t').toString()).toBe('kept');
		expect(persistence.state.waiting).toBe(1);

		setFull(false);
		await expect.poll(() => persistence.state.error).toBeNull();
		const reloaded = new Y.Doc();
		await persistGroup(reloaded, 'g1', log, { isLocal: () => true }).loaded;
		expect(reloaded.getText('t').toString()).toBe('kept');
		persistence.destroy();
	});

	it('a failing load is reported and the doc keeps working in memory', async () => {
		const broken: UpdateLog = {
			load: () => Promise.reject(new StorageError('Could not read the group.', { quota: false })),
			append: () => Promise.reject(new StorageError('Could not save.', { quota: false })),
			replace: () => Promise.reject(new StorageError('Could not save.', { quota: false })),
			settle: () => Promise.reject(new StorageError('Could not save.', { quota: false })),
			remove: () => Promise.resolve()
		};
		const doc = new Y.Doc();
		const persistence = persistGroup(doc, 'g1', broken, { isLocal: () => true, retryMs: 10_000 });
		await expect(persistence.loaded).rejects.toThrow(/read/);
		expect(persistence.state.error?.message).toMatch(/read/);
		doc.getText('t').insert(0, 'still here');
		expect(doc.getText('t').toString()).toBe('still here');
		persistence.destroy();
	});
});

describe('group persistence when the relay confirms during a write', () => {
	it('stores the confirmed changes settled, not waiting forever', async () => {
		const inner = createMemoryUpdateLog();
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		let appends = 0;
		const slow: UpdateLog = {
			...inner,
			load: (g) => inner.load(g),
			remove: (g) => inner.remove(g),
			replace: (g, k, e) => inner.replace(g, k, e),
			append: async (g, e) => {
				if (appends++ === 0) await gate;
				return inner.append(g, e);
			}
		};
		const doc = new Y.Doc();
		const persistence = persistGroup(doc, 'g1', slow, { isLocal: () => true });
		await persistence.loaded;
		doc.getText('t').insert(0, 'a');
		doc.getText('t').insert(1, 'b');
		const writing = persistence.flushed();
		await expect.poll(() => appends).toBe(1);
		persistence.confirm(persistence.mark());
		expect(persistence.state.waiting).toBe(0);
		release();
		await writing;
		await persistence.flushed();
		const stored = await inner.load('g1');
		expect(stored.filter((s) => s.waiting)).toEqual([]);
		const reloaded = new Y.Doc();
		const again = persistGroup(reloaded, 'g1', inner, { isLocal: () => true });
		await again.loaded;
		expect(again.state.waiting).toBe(0);
		expect(reloaded.getText('t').toString()).toBe('ab');
		persistence.destroy();
		again.destroy();
	});
});

