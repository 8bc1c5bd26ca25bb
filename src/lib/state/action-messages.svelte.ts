// What an action on a page said ("Note added.", "Moved to the trash."), shown beside the control
// that caused it, and only while what it reports is still true: undone, it goes.
export interface ActionMessage {
	/** Where it is shown: the part of the page whose control caused it. */
	place: string;
	text: string;
	error: boolean;
}

interface Held extends ActionMessage {
	holds: () => boolean;
}

export class ActionMessages {
	#current = $state<Held | null>(null);

	/** A confirmation, shown while `holds()` is true (it reads reactive state, so undo hides it). */
	done(place: string, text: string, holds: () => boolean = () => true): void {
		this.#current = text ? { place, text, error: false, holds } : null;
	}

	failed(place: string, text: string): void {
		this.#current = { place, text, error: true, holds: () => true };
	}

	clear(): void {
		this.#current = null;
	}

	/** The message to show at `place`, if any. */
	at(place: string): ActionMessage | null {
		const current = this.#current;
		if (!current || current.place !== place || !current.holds()) return null;
		return current;
	}
}
