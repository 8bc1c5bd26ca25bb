// The group page's search box. A search made is listed at once and the address follows once its
// answer is on screen: a SvelteKit navigation (the history entry, scroll positions, the route)
// takes tens of ms, which would otherwise come before the answer. What is being typed is looked up
// ahead, so the answer is usually in by Enter.
import type { Filters } from './filters';

/** Words shorter than this are not looked up while typed (their first letters match thousands of words). */
export const PREPARE_FROM_LENGTH = 3;
/** Longest the address waits for a search's answer to be drawn. */
export const ADDRESS_AFTER_MS = 300;

export class SearchBox {
	/** The search made on the page at `from`, until the address says it. */
	#made = $state<{ from: string; q: string } | null>(null);

	/** The filters of the address `url`, with the search made there in place of its own. */
	filters(url: string, fromAddress: Filters): Filters {
		const made = this.#made;
		return made?.from === url ? { ...fromAddress, q: made.q, page: 1 } : fromAddress;
	}

	/** A search made (Enter) on the page at `url`. */
	make(url: string, q: string): void {
		this.#made = { from: url, q: q.trim() };
	}

	/** Whether `typed` is worth looking up ahead of Enter, the listing showing `shown`. */
	worthPreparing(typed: string, shown: string): boolean {
		const text = typed.trim();
		return text.length >= PREPARE_FROM_LENGTH && text !== shown;
	}

	/**
	 * Brings the address in line with the search made (`navigate` to it), after the frame that draws
	 * its answer or at the latest after ADDRESS_AFTER_MS; forgets a search made on another address
	 * (a link followed, back). Run from an effect: returns what stops it.
	 */
	follow(url: string, answered: boolean, navigate: (q: string) => Promise<void>): (() => void) | undefined {
		const made = this.#made;
		if (!made) return;
		if (made.from !== url) {
			this.#made = null;
			return;
		}
		const go = () =>
			void navigate(made.q).finally(() => {
				if (this.#made === made) this.#made = null;
			});
		let timer: ReturnType<typeof setTimeout> | undefined;
		const frame = answered ? requestAnimationFrame(() => (timer = setTimeout(go, 0))) : undefined;
		if (!answered) timer = setTimeout(go, ADDRESS_AFTER_MS);
		return () => {
			if (frame !== undefined) cancelAnimationFrame(frame);
			clearTimeout(timer);
		};
	}
}
