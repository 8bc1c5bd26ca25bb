// The disk's own price for a durable commit (`npx tsx bench/fsync-probe.ts [seconds]`): what one
// SQLite WAL commit of one small update writes (12 KiB: three pages) and syncs, every 10 ms, in the
// system's temporary folder (where the benchmarks' relays keep their data). Prints percentiles for
// every 2 s and for the whole run, to set beside the relay's latency over the same minutes.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const seconds = Number(process.argv[2] ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'commonplace-fsync-'));
const fd = openSync(join(dir, 'wal'), 'w');
const page = Buffer.alloc(12_288, 1);
const slots = 1_024;
// Written whole first, as a WAL that has been through a checkpoint is: later writes overwrite.
for (let i = 0; i < slots; i++) writeSync(fd, page, 0, page.length, i * page.length);
fsyncSync(fd);

const pause = new Int32Array(new SharedArrayBuffer(4));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
function report(label: string, times: number[]): void {
	const sorted = [...times].sort((a, b) => a - b);
	const ms = (p: number) => percentile(sorted, p).toFixed(2);
	console.log(`${label}  n=${sorted.length}  p50 ${ms(0.5)}  p95 ${ms(0.95)}  p99 ${ms(0.99)}  max ${sorted[sorted.length - 1].toFixed(1)} ms`);
}

const all: number[] = [];
let window: number[] = [];
let windowStart = Date.now();
const end = Date.now() + seconds * 1000;
for (let i = 0; Date.now() < end; i++) {
	const start = performance.now();
	writeSync(fd, page, 0, page.length, (i % slots) * page.length);
	fsyncSync(fd);
	const took = performance.now() - start;
	all.push(took);
	window.push(took);
	if (Date.now() - windowStart >= 2_000) {
		report(new Date().toISOString().slice(11, 19), window);
		window = [];
		windowStart = Date.now();
	}
	const rest = 10 - (performance.now() - start);
	if (rest > 0) Atomics.wait(pause, 0, 0, rest);
}
report('all     ', all);
closeSync(fd);
rmSync(dir, { recursive: true, force: true });
