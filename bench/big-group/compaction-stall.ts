// The longest the relay's event loop stands still while it compacts the big group under load: a
// member keeps adding notes to the big group (its log soon passes the compaction threshold) while a
// small group's writer and reader exchange edits; the relay's own monitor (perf_hooks
// monitorEventLoopDelay, `relay_event_loop_delay_max_seconds` on /metrics) gives the stall.
import * as Y from 'yjs';
import { addNote, randomId, roots } from '../../src/lib/model';
import { BenchClient, BenchGroup, clock, type Recorder } from '../load/group-clients';
import { startCommonplace } from '../servers';
import { round, summarize } from '../stats';

export interface CompactionStall {
	/** Longest event-loop stall (ms) over the window that held the compaction. */
	maxStallMs: number;
	compactions: number;
	windowMs: number;
	/** The small group's edits during that window. */
	smallGroup: { delivered: number; p99Ms: number; maxMs: number };
}

/** A figure the relay reports on /metrics (0 when it reports none). */
export async function metric(port: number, name: string): Promise<number> {
	const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	return line ? Number(line.split(' ')[1]) : 0;
}

export async function measureCompactionStall(dataDir: string, groupId: string, token: string, doc: Y.Doc, nodeArgs: string[] = []): Promise<CompactionStall> {
	// Compaction as soon as 256 KiB are logged, so the 27 MiB group compacts within the window.
	const relay = await startCommonplace({ dataDir, nodeArgs, env: { COMPACT_AFTER_BYTES: String(256 * 1024), MESSAGES_PER_SECOND: '1000000', MESSAGE_BURST: '1000000' } });
	const big = new BenchClient(relay.providerUrl, groupId, relay.params(token, false), doc);
	const smallId = randomId();
	const smallToken = `${token}s`;
	const small = new BenchGroup(relay.providerUrl, { groupId: smallId, firstParams: relay.params(smallToken, true), otherParams: relay.params(smallToken, false), writes: true }, 2);
	const recorder: Recorder = { since: 0, delivered: 0, latencies: [] };
	try {
		await big.connect(300_000);
		await small.writer.connect(60_000);
		await small.readers[0].connect(60_000);
		small.readers[0].listen(recorder);
		await metric(relay.port, 'relay_event_loop_delay_max_seconds'); // resets the monitor
		const before = await metric(relay.port, 'relay_compactions_total');
		const itemIds = [...roots(doc).items.keys()];
		const started = clock();
		recorder.since = started;
		let maxStall = 0;
		let i = 0;
		// Notes on the big group at 200/s, small-group edits at 50/s, until a compaction finished.
		const edits = setInterval(() => {
			for (let k = 0; k < 2; k++) addNote(doc, { memberId: 'member-stall' }, itemIds[(i++ * 7_919) % itemIds.length], { text: `A note written while the group compacts, number ${i}, of ordinary length.` });
			if (i % 8 === 0) small.edit();
		}, 10);
		let compactions = 0;
		try {
			while (clock() - started < 120_000) {
				await new Promise((r) => setTimeout(r, 250));
				maxStall = Math.max(maxStall, await metric(relay.port, 'relay_event_loop_delay_max_seconds'));
				compactions = (await metric(relay.port, 'relay_compactions_total')) - before;
				if (compactions > 0) break;
			}
		} finally {
			clearInterval(edits);
		}
		await new Promise((r) => setTimeout(r, 1_000));
		maxStall = Math.max(maxStall, await metric(relay.port, 'relay_event_loop_delay_max_seconds'));
		const latency = summarize(recorder.latencies);
		return {
			maxStallMs: round(maxStall * 1000),
			compactions,
			windowMs: round(clock() - started),
			smallGroup: { delivered: recorder.delivered, p99Ms: round(latency.p99), maxMs: round(latency.max) }
		};
	} finally {
		big.destroy();
		small.destroy();
		await relay.stop();
	}
}
