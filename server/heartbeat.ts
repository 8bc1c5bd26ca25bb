// Pings every connection once per interval, a slice at a time: pinging 10,000 sockets in one go
// held the event loop for a quarter of a second or more (scenario (d) of the benchmark), and every
// member's change waited behind it.

/** What the heartbeat needs of a connection: ping it, or drop it if it never answered the last ping. */
export interface Beating {
	heartbeat(): void;
}

/** Slices per interval: with the default 30 s, one slice every 300 ms. */
const SLICES = 100;

export class Heartbeat {
	readonly #timer: NodeJS.Timeout;
	/** The connections of this round, as they were when it began; those added since wait for the next. */
	#round: Beating[] = [];
	#slice = 0;

	constructor(
		private readonly connections: Iterable<Beating>,
		intervalMs: number
	) {
		this.#timer = setInterval(() => this.#beat(), Math.max(1, intervalMs / SLICES));
		this.#timer.unref();
	}

	/** Pings the next share of this round: each connection once per round, a round per interval. */
	#beat(): void {
		if (this.#slice === 0) this.#round = [...this.connections];
		const n = this.#round.length;
		const from = Math.floor((this.#slice * n) / SLICES);
		const to = Math.floor(((this.#slice + 1) * n) / SLICES);
		// A connection closed since the round began ignores its ping.
		for (let i = from; i < to; i++) this.#round[i].heartbeat();
		this.#slice = (this.#slice + 1) % SLICES;
		if (this.#slice === 0) this.#round = [];
	}

	stop(): void {
		clearInterval(this.#timer);
		this.#round = [];
	}
}
