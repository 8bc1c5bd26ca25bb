// Imports and exports of one open group, for the Import and export page. The file is read and
// checked in a worker (interchange.worker.ts) against the group's outline; the checked plan is then
// applied here, where the document lives, a short step at a time with the page drawn between steps,
// as one step to undo. Exports are written in the worker from what this browser stored.
import * as Y from 'yjs';
import { applyPlanInSteps, outlineGroup, plural, type ExportFormat, type ImportPreview } from '$lib/interchange';
import { connect, type Remote } from '$lib/workers/rpc';
import type { handlers } from '$lib/workers/interchange.worker';
import type { LocalFirstSession } from '$lib/sync/session';
import type { GroupSession } from '$lib/sync/types';
import { nextPaint, type Workspace } from './workspace.svelte';

type InterchangeWorker = Remote<typeof handlers>;

/** How far an import has come: items written of the file's total. */
export type ImportProgressListener = (done: number, total: number) => void;

export interface ImportOutcome {
	message: string;
	/** False when the member stopped it: `message` says how much was imported. */
	complete: boolean;
}

/** Why an import or export ended early: the member pressed Cancel. */
export class Cancelled extends Error {
	constructor() {
		super('Cancelled.');
		this.name = 'Cancelled';
	}
}

function startWorker(): InterchangeWorker {
	return connect<typeof handlers>(new Worker(new URL('../workers/interchange.worker.ts', import.meta.url), { type: 'module' }));
}

/** Runs `call` on `worker`; aborting `signal` stops the worker and rejects with Cancelled. */
async function cancellable<T>(worker: InterchangeWorker, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
	if (signal?.aborted) throw new Cancelled();
	const onAbort = () => worker.close();
	signal?.addEventListener('abort', onAbort, { once: true });
	try {
		return await call();
	} catch (error) {
		if (signal?.aborted) throw new Cancelled();
		throw error;
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
}

export class GroupInterchange {
	readonly #workspace: Workspace;
	/** The worker holding the file last checked, until it is imported or another is chosen. */
	#worker: InterchangeWorker | null = null;
	#fileName = '';

	constructor(workspace: Workspace) {
		this.#workspace = workspace;
	}

	/** Reads and checks `file` in a worker; nothing is saved. */
	async preview(file: File, signal?: AbortSignal): Promise<ImportPreview> {
		this.forget();
		const worker = startWorker();
		this.#worker = worker;
		this.#fileName = file.name;
		try {
			return await cancellable(worker, signal, () => worker.call('preview', file, outlineGroup(this.#workspace.session.doc)));
		} catch (error) {
			this.forget();
			throw error;
		}
	}

	/**
	 * Imports the file last previewed, a step at a time. Cancelling keeps what was written (whole
	 * items), and the answer says how much that is; Undo takes the import back either way.
	 */
	async import(choice: { leavePrivateOut: boolean }, options: { signal?: AbortSignal; onProgress?: ImportProgressListener } = {}): Promise<ImportOutcome> {
		const worker = this.#worker;
		if (!worker) throw new Error('Choose the file to import again.');
		const { signal, onProgress } = options;
		const { plan, leftOut } = await cancellable(worker, signal, () => worker.call('plan', choice.leavePrivateOut)).finally(() => this.forget());
		const ws = this.#workspace;
		// One step to undo, and the pages refreshed once at the end rather than after every step.
		const endStep = ws.undo.oneStep();
		const release = ws.group.holdRefresh();
		try {
			const summary = await applyPlanInSteps(ws.session.doc, ws.group.actor, plan, {
				owner: ws.role === 'owner',
				signal,
				// A frame is drawn between two steps, so the bar moves and Cancel can be pressed.
				pause: nextPaint,
				onProgress: (progress) => onProgress?.(progress.done, progress.total)
			});
			const left = leftOut ? ` ${plural(leftOut, 'private bookmark was', 'private bookmarks were')} left out.` : '';
			if (summary.cancelled) {
				const undo = summary.cancelled.done > 0 ? ' Undo takes them back; importing the file again adds the rest.' : '';
				return { message: `${summary.message}${left}${undo}`, complete: false };
			}
			return { message: `${summary.message}${left}`, complete: true };
		} finally {
			release();
			endStep();
		}
	}

	/** Lets go of the file last previewed (the member cancelled, or chose another). */
	forget(): void {
		this.#worker?.close();
		this.#worker = null;
		this.#fileName = '';
	}

	/** The name of the file waiting to be imported, or ''. */
	get fileName(): string {
		return this.#fileName;
	}

	/** The group's file in `format`, written in a worker; Cancelled when `signal` aborts. */
	async export(format: ExportFormat, signal?: AbortSignal): Promise<{ blob: Blob; filename: string }> {
		// Sessions kept in browser storage can say when every change is written there (tests' twins cannot).
		const session: GroupSession & Partial<Pick<LocalFirstSession, 'flushed'>> = this.#workspace.session;
		const worker = startWorker();
		try {
			// What this browser stored is the group, once every change is written; where that fails,
			// the page's own copy of the document is sent (encoding a big group holds the page a while).
			const stored = await session.flushed?.().then(
				() => true,
				() => false
			);
			const file = stored ? await cancellable(worker, signal, () => worker.call('export', { groupId: session.groupId }, format)) : null;
			return file ?? (await cancellable(worker, signal, async () => (await worker.call('export', { update: Y.encodeStateAsUpdate(session.doc) }, format))!));
		} finally {
			worker.close();
		}
	}
}
