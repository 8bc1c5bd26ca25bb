// Runs one load scenario against a running server: spreads R groups × C clients over worker
// processes on the load core, connects them, drives the writers, and measures the server from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { randomId } from '../../src/lib/model';
import { pinned } from '../pinning';
import { cpuWindow, peakRssMiB, rssMiB } from '../proc';
import type { RunningServer } from '../servers';
import { round, summarize, type LatencySummary } from '../stats';
import type { DriverMessage, GroupPlan, WorkerMessage } from './protocol';

export interface Scenario {
	id: string;
	title: string;
	groups: number;
	clientsPerGroup: number;
	/** Edits per second over all groups; 0 for idle clients. */
	updatesPerSecond: number;
	/** How many of the groups write (spread evenly among them); the others stay idle. Default: all. */
	writingGroups?: number;
	/** How long the writers write, or how long idle clients are held. */
	durationMs: number;
	workers: number;
	/** Connections opened at once by each worker. */
	connectWindow: number;
}

export interface ScenarioResult {
	clients: number;
	failedClients: number;
	firstError: string | null;
	/** From the first connection until every client had finished its first sync. */
	syncMs: number;
	sent: number;
	delivered: number;
	expectedDeliveries: number;
	updatesInPerSec: number;
	deliveriesOutPerSec: number;
	latencyMs: LatencySummary;
	/** Server CPU over the connect phase and over the load (or idle) window, % of one core. */
	cpuConnectPercent: number;
	cpuPercent: number;
	/** Server resident memory before any client, after the clients connected, at the end, and its peak (VmHWM). */
	rssStartMiB: number;
	rssConnectedMiB: number;
	/** CPU of the busiest load worker while writing, % of one core: near 100 means the clients, not the server, set the pace. */
	loadCpuPercent: number;
	rssEndMiB: number;
	peakRssMiB: number;
}

const WORKER = join(import.meta.dirname, 'worker.ts');

class Worker {
	private readonly child: ChildProcess;
	private waiting: { type: string; resolve: (m: WorkerMessage) => void; reject: (e: Error) => void } | null = null;
	readonly ready: Promise<WorkerMessage>;

	constructor() {
		const [command, args] = pinned('load', process.execPath, ['--import', 'tsx', WORKER]);
		this.child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		this.child.on('message', (message: WorkerMessage) => {
			if (this.waiting?.type === message.type) {
				const { resolve } = this.waiting;
				this.waiting = null;
				resolve(message);
			}
		});
		this.child.on('exit', (code) => {
			if (this.waiting && code !== 0) this.waiting.reject(new Error(`A load worker exited with code ${code}.`));
		});
		this.ready = this.expect('ready');
	}

	expect(type: WorkerMessage['type']): Promise<WorkerMessage> {
		return new Promise((resolve, reject) => (this.waiting = { type, resolve, reject }));
	}

	async ask<T extends WorkerMessage['type']>(message: DriverMessage, reply: T): Promise<Extract<WorkerMessage, { type: T }>> {
		const answer = this.expect(reply);
		this.child.send(message);
		return (await answer) as Extract<WorkerMessage, { type: T }>;
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		const kill = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
		this.ask({ type: 'close' }, 'closed').catch(() => {});
		await exited;
		clearTimeout(kill);
	}
}

/** Splits `items` into `n` nearly equal consecutive parts. */
function split<T>(items: T[], n: number): T[][] {
	return Array.from({ length: n }, (_, i) => items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
}

export async function runScenario(server: RunningServer, scenario: Scenario): Promise<ScenarioResult> {
	const writing = scenario.writingGroups ?? scenario.groups;
	const urls = server.providerUrls ?? [];
	const plans: GroupPlan[] = Array.from({ length: scenario.groups }, (_, i) => {
		const token = randomBytes(24).toString('base64url');
		// Every (groups / writing)-th group writes, so the writers are spread over the load workers.
		const writes = Math.floor((i * writing) / scenario.groups) !== Math.floor(((i + 1) * writing) / scenario.groups);
		const plan: GroupPlan = { groupId: randomId(), firstParams: server.params(token, true), otherParams: server.params(token, false), writes };
		// Spread over a cluster so that every delivery measured crosses from one process to another.
		if (urls.length > 1) {
			plan.writerUrl = urls[i % urls.length];
			plan.readerUrls = urls.filter((_, u) => u !== i % urls.length);
		}
		return plan;
	});
	const rssStartMiB = rssMiB(server.pid);
	const workerCount = Math.min(scenario.workers, scenario.groups);
	const workers = Array.from({ length: workerCount }, () => new Worker());
	try {
		await Promise.all(workers.map((w) => w.ready));
		const parts = split(plans, workerCount);

		const connectCpu = cpuWindow(server.pid);
		const connected = await Promise.all(
			workers.map((w, i) =>
				w.ask(
					{ type: 'connect', providerUrl: server.providerUrl, groups: parts[i], clientsPerGroup: scenario.clientsPerGroup, window: scenario.connectWindow, timeoutMs: 60_000 },
					'connected'
				)
			)
		);
		const cpuConnectPercent = connectCpu.stop();
		const rssConnectedMiB = rssMiB(server.pid);

		const loadCpu = cpuWindow(server.pid);
		let sent = 0;
		let delivered = 0;
		let expected = 0;
		let sendMs = scenario.durationMs;
		let loadCpuPercent = 0;
		const latencies: number[] = [];
		if (scenario.updatesPerSecond > 0) {
			const ratePerGroup = scenario.updatesPerSecond / writing;
			const loaded = await Promise.all(workers.map((w) => w.ask({ type: 'load', ratePerGroup, durationMs: scenario.durationMs, drainMs: 5_000 }, 'loaded')));
			for (const l of loaded) {
				sent += l.sent;
				delivered += l.delivered;
				expected += l.expected;
				sendMs = Math.max(sendMs, l.sendMs);
				loadCpuPercent = Math.max(loadCpuPercent, l.workerCpuPercent);
				for (const x of l.latenciesMs) latencies.push(x);
			}
		} else {
			await new Promise((r) => setTimeout(r, scenario.durationMs));
		}
		const cpuPercent = loadCpu.stop();
		const rssEndMiB = rssMiB(server.pid);
		const peak = peakRssMiB(server.pid);

		const latency = summarize(latencies);
		return {
			clients: connected.reduce((n, c) => n + c.clients, 0),
			failedClients: connected.reduce((n, c) => n + c.failed, 0),
			firstError: connected.find((c) => c.firstError)?.firstError ?? null,
			syncMs: round(Math.max(...connected.map((c) => c.syncMs))),
			sent,
			delivered,
			expectedDeliveries: expected,
			updatesInPerSec: round(sent / (sendMs / 1000)),
			deliveriesOutPerSec: round(delivered / (sendMs / 1000)),
			latencyMs: { count: latency.count, p50: round(latency.p50, 2), p95: round(latency.p95, 2), p99: round(latency.p99, 2), max: round(latency.max, 2) },
			cpuConnectPercent: round(cpuConnectPercent),
			cpuPercent: round(cpuPercent),
			rssStartMiB: round(rssStartMiB),
			rssConnectedMiB: round(rssConnectedMiB),
			loadCpuPercent: round(loadCpuPercent),
			rssEndMiB: round(rssEndMiB),
			peakRssMiB: round(peak)
		};
	} finally {
		await Promise.all(workers.map((w) => w.stop()));
	}
}
