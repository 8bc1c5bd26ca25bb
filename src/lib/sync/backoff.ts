// Reconnection delays: exponential from 200 ms up to 10 s, each drawn at random from its upper half
// so clients of a restarted relay spread their reconnections.
export const BACKOFF_CAP_MS = 10_000;

/** The delay before reconnection attempt `attempt` (1 = the first retry after a close). */
export function jitteredBackoff(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(2 ** Math.max(1, attempt) * 100, BACKOFF_CAP_MS);
	return Math.round(ceiling * (0.5 + random() / 2));
}
