// Summaries of measured samples.

export interface LatencySummary {
	count: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
}

/** Nearest-rank percentiles (no interpolation), in the samples' unit. */
export function summarize(samples: number[]): LatencySummary {
	if (samples.length === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
	const sorted = Float64Array.from(samples).sort();
	const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
	return { count: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1] };
}

export function round(value: number, digits = 1): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
