// A small cache of page details: at most `maxEntries`, each for `ttlMs`; the oldest go first.
export class TtlCache<V> {
	readonly #entries = new Map<string, { value: V; expires: number }>();

	constructor(
		readonly maxEntries: number,
		readonly now: () => number = Date.now
	) {}

	get(key: string): V | undefined {
		const entry = this.#entries.get(key);
		if (!entry) return undefined;
		if (entry.expires <= this.now()) {
			this.#entries.delete(key);
			return undefined;
		}
		// Most recently used last, so the first key is the one to drop.
		this.#entries.delete(key);
		this.#entries.set(key, entry);
		return entry.value;
	}

	set(key: string, value: V, ttlMs: number): void {
		this.#entries.delete(key);
		this.#entries.set(key, { value, expires: this.now() + ttlMs });
		while (this.#entries.size > this.maxEntries) {
			const oldest = this.#entries.keys().next().value as string;
			this.#entries.delete(oldest);
		}
	}

	get size(): number {
		return this.#entries.size;
	}
}
