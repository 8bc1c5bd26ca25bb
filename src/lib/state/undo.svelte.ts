// Undo and redo of this member's own edits: a Y.UndoManager that tracks only this member's origin,
// so a remote member's changes are never undone from here.
import * as Y from 'yjs';
import type { Actor } from '$lib/model';

/** Typing within this pause is one step. */
const CAPTURE_MS = 800;

export class UndoState {
	#manager: Y.UndoManager;
	#canUndo = $state(false);
	#canRedo = $state(false);
	/** While above 0, every change joins one step (`oneStep`) and undo waits. */
	#holding = $state(0);

	constructor(doc: Y.Doc, actor: Actor) {
		// Typing in a shared text within a short pause is one step; every other action ends a step (`boundary`).
		this.#manager = new Y.UndoManager(doc, { trackedOrigins: new Set([actor]), captureTimeout: CAPTURE_MS });
		const refresh = () => {
			this.#canUndo = this.#manager.canUndo();
			this.#canRedo = this.#manager.canRedo();
		};
		this.#manager.on('stack-item-added', refresh);
		this.#manager.on('stack-item-popped', refresh);
		this.#manager.on('stack-cleared', refresh);
	}

	get canUndo(): boolean {
		return this.#canUndo && this.#holding === 0;
	}

	get canRedo(): boolean {
		return this.#canRedo && this.#holding === 0;
	}

	/** Makes the next change its own undo step. */
	boundary(): void {
		if (this.#holding === 0) this.#manager.stopCapturing();
	}

	/**
	 * Makes every change until the returned function is called one undo step, however long the
	 * pauses between them (an import written a slice at a time). Undo and redo wait until then.
	 */
	oneStep(): () => void {
		const manager = this.#manager;
		if (this.#holding++ === 0) {
			manager.stopCapturing();
			manager.captureTimeout = Number.POSITIVE_INFINITY;
		}
		let ended = false;
		return () => {
			if (ended) return;
			ended = true;
			if (--this.#holding === 0) {
				manager.captureTimeout = CAPTURE_MS;
				manager.stopCapturing();
			}
		};
	}

	undo(): boolean {
		if (this.#holding > 0) return false;
		return this.#manager.undo() !== null;
	}

	redo(): boolean {
		if (this.#holding > 0) return false;
		return this.#manager.redo() !== null;
	}

	destroy(): void {
		this.#manager.destroy();
	}
}
