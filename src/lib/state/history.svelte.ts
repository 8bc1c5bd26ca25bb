// A page of history from the relay (an item's timeline or the group's recent changes) as the pages
// use it: its entries in words, paging, "view as it was" for an entry, and what went wrong. History
// is kept by the relay, not in the browser, so offline it says so instead of showing nothing.
import { RelayApiError } from '$lib/api/relay-api';
import { describeChange } from '$lib/history/changes';
import type { TimelineEntry, TimelinePage } from '$lib/history/timeline';
import type { ItemVersion } from '$lib/model';

export const HISTORY_NEEDS_RELAY = 'History is kept by the relay, not in this browser: connect to the network to see it. Your own changes are saved here and sync when you are back.';

export interface HistoryLine {
	entry: TimelineEntry;
	/** "Ana changed the title from “A” to “B”". */
	text: string;
}

/** One entry in words: the member's name, then each change. */
export function entryText(entry: TimelineEntry): string {
	const changes = entry.changes.map(describeChange);
	const said = changes.length > 1 ? `${changes.slice(0, -1).join(', ')} and ${changes[changes.length - 1]}` : (changes[0] ?? 'changed the item');
	return `${entry.by.name} ${said}`;
}

function errorText(error: unknown): string {
	if (error instanceof RelayApiError) return error.offline ? HISTORY_NEEDS_RELAY : error.message;
	return 'The history could not be read. Try again in a moment.';
}

export class HistoryList {
	#lines = $state.raw<HistoryLine[]>([]);
	#next = $state<number | null>(null);
	#loading = $state(false);
	#error = $state('');
	#since = $state<number | null>(null);
	#viewing = $state.raw<{ entryId: number; version: ItemVersion } | null>(null);
	#viewError = $state('');

	constructor(
		private readonly readPage: (before: number | null) => Promise<TimelinePage>,
		private readonly readVersion?: (entry: TimelineEntry) => Promise<ItemVersion>
	) {}

	get lines(): HistoryLine[] {
		return this.#lines;
	}
	get hasMore(): boolean {
		return this.#next !== null;
	}
	get loading(): boolean {
		return this.#loading;
	}
	get error(): string {
		return this.#error;
	}
	/** When the kept history starts (older changes are no longer kept); null: from the beginning. */
	get since(): number | null {
		return this.#since;
	}
	/** The entry shown "as it was", with the item's version then. */
	get viewing(): { entryId: number; version: ItemVersion } | null {
		return this.#viewing;
	}
	get viewError(): string {
		return this.#viewError;
	}

	/** Reads the newest page again (after a restore, say). */
	refresh(): Promise<void> {
		return this.#read(null);
	}

	more(): Promise<void> {
		return this.#next === null ? Promise.resolve() : this.#read(this.#next);
	}

	async #read(before: number | null): Promise<void> {
		this.#loading = true;
		this.#error = '';
		try {
			const page = await this.readPage(before);
			const lines = page.entries.map((entry) => ({ entry, text: entryText(entry) }));
			this.#lines = before === null ? lines : [...this.#lines, ...lines];
			this.#next = page.next;
			this.#since = page.since;
		} catch (error) {
			this.#error = errorText(error);
		} finally {
			this.#loading = false;
		}
	}

	async view(entry: TimelineEntry): Promise<void> {
		if (!this.readVersion) return;
		this.#viewError = '';
		try {
			this.#viewing = { entryId: entry.id, version: await this.readVersion(entry) };
		} catch (error) {
			this.#viewing = null;
			this.#viewError = errorText(error);
		}
	}

	closeView(): void {
		this.#viewing = null;
	}
}
