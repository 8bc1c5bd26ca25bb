// Fills in the details of pages this member added while the relay could not read them (offline,
// or saved before the answer came): once the relay is reachable, a few at a time, each page once.
import type { Item, PageDetails } from '$lib/model';
import type { PageDetailsAnswer } from '$lib/api/page-details';

/** Only pages saved recently: an import of old bookmarks is not fetched page by page. */
const RECENT_MS = 3 * 24 * 60 * 60_000;
/** At most this many pages read per app start. */
const PER_SESSION = 25;

export interface PageDetailsTarget {
	readonly items: readonly Item[];
	fillPageDetails(itemId: string, details: PageDetails): void;
}

export class PageDetailsFiller {
	readonly #tried = new Set<string>();
	#running = false;

	constructor(
		readonly memberId: string,
		readonly read: (url: string) => Promise<PageDetailsAnswer>,
		readonly now: () => number = Date.now
	) {}

	/** The items still waiting for their page's details, oldest first. */
	waiting(items: readonly Item[]): Item[] {
		const since = this.now() - RECENT_MS;
		return items.filter(
			(item) =>
				item.deletedAt === null &&
				item.pageDetailsAt === null &&
				!this.#tried.has(item.id) &&
				item.savedBy.some((s) => s.memberId === this.memberId && s.at >= since)
		);
	}

	/** Reads the waiting pages one after another; stops at the first sign the relay is not reachable. */
	async run(target: PageDetailsTarget): Promise<void> {
		if (this.#running) return;
		this.#running = true;
		try {
			for (const item of this.waiting(target.items)) {
				if (this.#tried.size >= PER_SESSION) return;
				this.#tried.add(item.id);
				const answer = await this.read(item.url);
				if (!answer.ok && answer.retry) {
					this.#tried.delete(item.id);
					return;
				}
				try {
					// A page that cannot be read is recorded as read with nothing found, so it is not asked again.
					target.fillPageDetails(item.id, answer.ok ? answer.details : {});
				} catch {
					// Details the model refuses are left out; the item stays as the member saved it.
				}
			}
		} finally {
			this.#running = false;
		}
	}
}
