// Bytes of WebSocket messages that have started to arrive but are not whole yet (fragmented
// messages, partial frames), counted per address: the WebSocket layer holds them in memory until
// the message ends, so one address may hold only so much, and only for so long.
import { addressKey } from './auth/rate-limit.ts';

/** Address keys kept for reuse: every message counts its bytes in and out under its address. */
const MAX_CACHED_KEYS = 4_096;

export class UnfinishedBytes {
	readonly #byAddress = new Map<string, number>();
	readonly #keys = new Map<string, string>();
	/** Messages still arriving, by what to do when they take too long: since when each has been. */
	readonly #started = new Map<() => void, number>();
	#timer: NodeJS.Timeout | null = null;

	constructor(
		private readonly limitPerAddress: number,
		/** How long a message may take to arrive whole, from its first byte. */
		private readonly timeoutMs = Infinity
	) {}

	/** Counts `bytes` more (or fewer, when negative) for the address; true while it is within its limit. */
	add(address: string, bytes: number): boolean {
		const key = this.#keyOf(address);
		const total = Math.max(0, (this.#byAddress.get(key) ?? 0) + bytes);
		if (total === 0) this.#byAddress.delete(key);
		else this.#byAddress.set(key, total);
		return total <= this.limitPerAddress;
	}

	/** How many bytes the address holds unfinished now. */
	of(address: string): number {
		return this.#byAddress.get(this.#keyOf(address)) ?? 0;
	}

	/**
	 * Starts timing one connection's unfinished message (unless it already runs); `onTimeout` runs
	 * when it has not ended within the timeout (up to a quarter more). One timer serves every
	 * connection, and only while some message is unfinished: nothing per message, nothing when idle.
	 */
	startTimer(onTimeout: () => void): void {
		if (this.timeoutMs === Infinity || this.#started.has(onTimeout)) return;
		this.#started.set(onTimeout, performance.now());
		this.#schedule();
	}

	/** The message ended (or its connection closed). */
	stopTimer(onTimeout: () => void): void {
		this.#started.delete(onTimeout);
	}

	#schedule(): void {
		if (this.#timer) return;
		this.#timer = setTimeout(() => this.#sweep(), Math.max(10, this.timeoutMs / 4));
		this.#timer.unref();
	}

	#sweep(): void {
		this.#timer = null;
		const now = performance.now();
		for (const [onTimeout, since] of this.#started) {
			if (now - since < this.timeoutMs) continue;
			this.#started.delete(onTimeout);
			onTimeout();
		}
		if (this.#started.size > 0) this.#schedule();
	}

	#keyOf(address: string): string {
		let key = this.#keys.get(address);
		if (key === undefined) {
			if (this.#keys.size >= MAX_CACHED_KEYS) this.#keys.clear();
			key = addressKey(address);
			this.#keys.set(address, key);
		}
		return key;
	}
}
