// A load worker process: holds its share of the groups' clients, connects them, drives the writers
// at the asked rate and reports what the readers saw. Started and steered by bench/load/driver.ts.
import { BenchGroup, clock, type BenchClient, type Recorder } from './group-clients';
import type { DriverMessage, GroupPlan, WorkerMessage } from './protocol';

let groups: BenchGroup[] = [];
/** The groups whose writers edit under load. */
let writers: BenchGroup[] = [];

function send(message: WorkerMessage): void {
	process.send!(message);
}

/** Runs `tasks` with at most `window` in flight; returns how many failed and the first reason. */
async function pool(tasks: (() => Promise<void>)[], window: number): Promise<{ failed: number; firstError: string | null }> {
	let next = 0;
	let failed = 0;
	let firstError: string | null = null;
	async function lane() {
		while (next < tasks.length) {
			const task = tasks[next++];
			try {
				await task();
			} catch (error) {
				failed++;
				firstError ??= error instanceof Error ? error.message : String(error);
			}
		}
	}
	await Promise.all(Array.from({ length: Math.min(window, tasks.length) }, lane));
	return { failed, firstError };
}

async function connect(providerUrl: string, plans: GroupPlan[], clientsPerGroup: number, window: number, timeoutMs: number) {
	groups = plans.map((plan) => new BenchGroup(providerUrl, plan, clientsPerGroup));
	writers = groups.filter((_, i) => plans[i].writes);
	const start = clock();
	// The first client of each group registers it; the others join once it exists.
	const first = await pool(groups.map((g) => () => g.writer.connect(timeoutMs)), window);
	const readers: BenchClient[] = groups.flatMap((g) => g.readers);
	const rest = await pool(readers.map((r) => () => r.connect(timeoutMs)), window);
	send({
		type: 'connected',
		syncMs: clock() - start,
		clients: groups.length + readers.length,
		failed: first.failed + rest.failed,
		firstError: first.firstError ?? rest.firstError
	});
}

async function load(ratePerGroup: number, durationMs: number, drainMs: number) {
	const recorder: Recorder = { since: clock(), delivered: 0, latencies: [] };
	for (const g of writers) for (const r of g.readers) r.listen(recorder);
	const period = 1000 / ratePerGroup;
	const start = clock();
	const cpuStart = process.cpuUsage();
	// Writers are spread evenly over one period so the server sees a steady stream, not bursts.
	const due = writers.map((_, i) => start + (period * i) / writers.length);
	const sentByGroup = writers.map((g) => g.sent);
	await new Promise<void>((resolve) => {
		const tick = setInterval(() => {
			const now = clock();
			if (now - start >= durationMs) {
				clearInterval(tick);
				return resolve();
			}
			for (let i = 0; i < writers.length; i++) {
				while (due[i] <= now) {
					writers[i].edit();
					due[i] += period;
				}
			}
		}, 2);
	});
	const sendMs = clock() - start;
	const cpu = process.cpuUsage(cpuStart);
	const workerCpuPercent = ((cpu.user + cpu.system) / 1000 / sendMs) * 100;
	const sent = writers.reduce((n, g, i) => n + g.sent - sentByGroup[i], 0);
	// Every reader of a group should see every edit of its writer.
	const expected = writers.reduce((n, g, i) => n + (g.sent - sentByGroup[i]) * g.readers.length, 0);
	const drainEnd = clock() + drainMs;
	while (recorder.delivered < expected && clock() < drainEnd) await new Promise((r) => setTimeout(r, 20));
	send({ type: 'loaded', sent, delivered: recorder.delivered, expected, sendMs, workerCpuPercent, latenciesMs: recorder.latencies });
}

// Every WebsocketProvider adds a process exit listener; thousands of clients are expected here.
process.setMaxListeners(0);
process.on('message', (message: DriverMessage) => {
	const run = async () => {
		if (message.type === 'connect') await connect(message.providerUrl, message.groups, message.clientsPerGroup, message.window, message.timeoutMs);
		else if (message.type === 'load') await load(message.ratePerGroup, message.durationMs, message.drainMs);
		else if (message.type === 'close') {
			for (const g of groups) g.destroy();
			groups = [];
			writers = [];
			// Exit once the reply is out: nothing of this process is needed after it.
			process.send!({ type: 'closed' } satisfies WorkerMessage, undefined, undefined, () => process.exit(0));
		}
	};
	run().catch((error) => {
		console.error(error);
		process.exit(1);
	});
});

send({ type: 'ready' });
