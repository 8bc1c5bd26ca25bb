// Bytes of WebSocket messages that have started to arrive but are not whole yet (fragmented
// messages, partial frames), counted per address: the WebSocket layer holds them in memory until
// the message ends, so one address may hold only so much, and only for so long.
import { addressKey } from './auth/rate-limit.ts';

export class UnfinishedBytes {
	readonly #byAddress = new Map<string, number>();

	constructor(private readonly limitPerAddress: number) {}

	/** Counts `bytes` more (or fewer, when negative) for the address; true while it is within its limit. */
	add(address: string, bytes: number): boolean {
		const key = addressKey(address);
		const total = Math.max(0, (this.#byAddress.get(key) ?? 0) + bytes);
		if (total === 0) this.#byAddress.delete(key);
		else this.#byAddress.set(key, total);
		return total <= this.limitPerAddress;
	}

	/** How many bytes the address holds unfinished now. */
	of(address: string): number {
		return this.#byAddress.get(addressKey(address)) ?? 0;
	}
}
