// Slows down, then refuses, an address that keeps presenting bad tokens, so tokens cannot be guessed.
// Each address is counted on its own: good clients elsewhere never notice.
import { isIP } from 'node:net';

export interface BadTokenLimits {
	/** Bad tokens within the window after which each refusal asks to be delayed. */
	slowAfter: number;
	/** Bad tokens within the window after which the address is refused outright. */
	limit: number;
	windowMs: number;
	/** How long a refused address stays refused. */
	blockMs: number;
}

export type LimiterVerdict =
	| { blocked: false; /** How long to wait before answering a failure from this address. */ delayMs: number }
	| { blocked: true; retryAfterMs: number };

interface AddressRecord {
	windowStart: number;
	failures: number;
	blockedUntil: number;
}

/** Longest delay asked for a slowed address. */
const MAX_DELAY_MS = 5_000;
/** Beyond this many remembered addresses the stale ones are forgotten, so memory stays bounded. */
const MAX_ADDRESSES = 10_000;

/**
 * The unit an address is counted by: an IPv4 address as it is, an IPv6 address by its /64 network,
 * since one IPv6 host usually holds a whole /64 and could otherwise try from a fresh address each time.
 */
export function addressKey(address: string): string {
	const bare = address.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
	if (isIP(bare) !== 6) return bare;
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
	if (mapped) return mapped[1];
	const [head, tail = ''] = bare.split('::');
	const left = head ? head.split(':') : [];
	const right = bare.includes('::') && tail ? tail.split(':') : [];
	const groups = bare.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
	return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class BadTokenLimiter {
	readonly #limits: BadTokenLimits;
	readonly #addresses = new Map<string, AddressRecord>();

	constructor(limits: BadTokenLimits) {
		this.#limits = limits;
	}

	/** How many addresses are remembered. */
	get size(): number {
		return this.#addresses.size;
	}

	/** Whether the address may try at all, and how much to slow its answers. */
	check(address: string, now = Date.now()): LimiterVerdict {
		address = addressKey(address);
		const record = this.#current(address, now);
		if (!record) return { blocked: false, delayMs: 0 };
		if (record.blockedUntil > now) return { blocked: true, retryAfterMs: record.blockedUntil - now };
		return { blocked: false, delayMs: this.#delay(record.failures) };
	}

	/** Counts one bad token from the address; returns the verdict for its next attempt. */
	fail(address: string, now = Date.now()): LimiterVerdict {
		address = addressKey(address);
		let record = this.#current(address, now);
		if (!record) {
			if (this.#addresses.size >= MAX_ADDRESSES) this.#prune(now);
			record = { windowStart: now, failures: 0, blockedUntil: 0 };
			this.#addresses.set(address, record);
		}
		record.failures += 1;
		if (record.failures >= this.#limits.limit) {
			record.blockedUntil = now + this.#limits.blockMs;
			return { blocked: true, retryAfterMs: this.#limits.blockMs };
		}
		return { blocked: false, delayMs: this.#delay(record.failures) };
	}

	/** The address's record, forgetting it once its window and any block are over. */
	#current(address: string, now: number): AddressRecord | undefined {
		const record = this.#addresses.get(address);
		if (!record) return undefined;
		if (record.blockedUntil <= now && now - record.windowStart >= this.#limits.windowMs) {
			this.#addresses.delete(address);
			return undefined;
		}
		return record;
	}

	#delay(failures: number): number {
		const over = failures - this.#limits.slowAfter;
		if (over < 0) return 0;
		return Math.min(MAX_DELAY_MS, 100 * 2 ** over);
	}

	#prune(now: number): void {
		for (const address of [...this.#addresses.keys()]) this.#current(address, now);
		// Still full: forget the oldest windows first (Map keeps insertion order), making room for many.
		for (const address of this.#addresses.keys()) {
			if (this.#addresses.size < MAX_ADDRESSES * 0.9) break;
			this.#addresses.delete(address);
		}
	}
}
