// Undo and redo of this member's own edits: a Y.UndoManager that tracks only this member's origin,
// so a remote member's changes are never undone from here.
import * as Y from 'yjs';
import type { Actor } from '$lib/model';

export class UndoState {
	#manager: Y.UndoManager;
	#canUndo = $state(false);
	#canRedo = $state(false);

	constructor(doc: Y.Doc, actor: Actor) {
		// Typing in a shared text within a short pause is one step; every other action ends a step (`boundary`).
		this.#manager = new Y.UndoManager(doc, { trackedOrigins: new Set([actor]), captureTimeout: 800 });
		const refresh = () => {
			this.#canUndo = this.#manager.canUndo();
			this.#canRedo = this.#manager.canRedo();
		};
		this.#manager.on('stack-item-added', refresh);
		this.#manager.on('stack-item-popped', refresh);
		this.#manager.on('stack-cleared', refresh);
	}

	get canUndo(): boolean {
		return this.#canUndo;
	}

	get canRedo(): boolean {
		return this.#canRedo;
	}

	/** Makes the next change its own undo step. */
	boundary(): void {
		this.#manager.stopCapturing();
	}

	undo(): boolean {
		return this.#manager.undo() !== null;
	}

	redo(): boolean {
		return this.#manager.redo() !== null;
	}

	destroy(): void {
		this.#manager.destroy();
	}
}
