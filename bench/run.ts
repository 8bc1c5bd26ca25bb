// `npm run bench`: Commonplace's relay against the reference y-websocket server under the same load,
// then the big-group figures; prints one table and writes bench/results/<date>.json.
// Flags: --quick (small scale, for trying the benchmark; results go to <date>-quick.json),
// --only=a,b,c,d,big,browser,anchoring,cluster,history (run some parts only; cluster needs PostgreSQL and Redis), --repeat=N (runs of each load scenario, default 2),
// --profile=DIR (both servers write a V8 CPU profile of each run into DIR: `node --cpu-prof`; the
// browser part builds the app unminified and writes Chromium traces of the offline opening, the first
// open online, a reload with its two searches and the import there, `browser-offline-opening.json`,
// `browser-first-open-online.json`, `browser-reload-search.json`, `browser-import.json`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureBigGroup, prepareBigGroup, BIG_GROUP_RELAY_ENV, type BigGroupFigures, type PreparedBigGroup } from './big-group/relay-figures';
import { BIG_GROUP } from './big-group/build';
import { measureBrowser, type BrowserFigures } from './browser/figures';
import { measureAnchoring, type AnchoringFigures } from './anchoring/figures';
import { measureHistory, type HistoryFigures } from './big-group/history-figures';
import { clusterRows, measureCluster, type ClusterFigures } from './cluster';
import { runScenario, type Scenario, type ScenarioResult } from './load/driver';
import { PINNING } from './pinning';
import { ensureReference } from './reference';
import { startCommonplace, startReference, type RunningServer, type ServerKind } from './servers';
import { markdownTable, textTable, type Row } from './table';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const wanted = (part: string) => !only || only.includes(part);

/**
 * The relay's per-address protections (50 connections, 100 messages/s per connection) are meant for
 * the public, not for a load generator on one address; the benchmark lifts them as an operator would.
 */
export const LOAD_RELAY_ENV = {
	CONNECTIONS_PER_IP: '1000000',
	MESSAGES_PER_SECOND: '1000000',
	MESSAGE_BURST: '1000000'
};

const scale = quick ? 0.1 : 1;
/** Runs of each load scenario per server; the table shows each server's quietest run. */
const repeat = Number(args.find((a) => a.startsWith('--repeat='))?.slice(9) ?? (quick ? 1 : 2));
const profileDir = args.find((a) => a.startsWith('--profile='))?.slice(10);

/** The run least disturbed by the rest of the machine: lowest p99 latency, or for idle clients the quickest sync. */
function quietest(scenario: Scenario, runs: ScenarioResult[]): ScenarioResult {
	const score = (r: ScenarioResult) => (scenario.updatesPerSecond > 0 ? r.latencyMs.p99 : r.syncMs);
	return runs.reduce((best, r) => (score(r) < score(best) ? r : best));
}

interface BenchScenario extends Scenario {
	/** Relay settings for this run on top of LOAD_RELAY_ENV. */
	relayEnv?: Record<string, string>;
	/** A variant runs the relay only, once, and is compared with the reference runs of this scenario. */
	variantOf?: string;
}

const A: BenchScenario = { id: 'a', title: `(a) ${100 * scale} groups × 3 clients, ${500 * scale} updates/s in total`, groups: 100 * scale, clientsPerGroup: 3, updatesPerSecond: 500 * scale, durationMs: quick ? 4_000 : 12_000, workers: 1, connectWindow: 50 };
const B: BenchScenario = { id: 'b', title: `(b) 1 group × ${quick ? 10 : 50} clients, ${quick ? 20 : 100} updates/s`, groups: 1, clientsPerGroup: quick ? 10 : 50, updatesPerSecond: quick ? 20 : 100, durationMs: quick ? 4_000 : 12_000, workers: 1, connectWindow: 50 };
const C: BenchScenario = { id: 'c', title: `(c) ${2_000 * scale} groups × 2 idle clients`, groups: 2_000 * scale, clientsPerGroup: 2, updatesPerSecond: 0, durationMs: quick ? 2_000 : 6_000, workers: 1, connectWindow: 100 };
const SCENARIOS: BenchScenario[] = [
	A,
	{
		...A,
		id: 'a-normal',
		title: "(a') as (a), relay with SQLITE_SYNCHRONOUS=normal (survives a relay crash, not a power cut); reference as in (a)",
		relayEnv: { SQLITE_SYNCHRONOUS: 'normal' },
		variantOf: 'a'
	},
	B,
	{ ...B, id: 'b-normal', title: "(b') as (b), relay with SQLITE_SYNCHRONOUS=normal; reference as in (b)", relayEnv: { SQLITE_SYNCHRONOUS: 'normal' }, variantOf: 'b' },
	C,
	{ id: 'd', title: `(d) ${10_000 * scale} idle clients over ${5_000 * scale} groups, ${200 * scale} updates/s on ${100 * scale} of them`, groups: 5_000 * scale, clientsPerGroup: 2, updatesPerSecond: 200 * scale, writingGroups: 100 * scale, durationMs: quick ? 4_000 : 12_000, workers: 4, connectWindow: 100 },
	{ ...C, id: 'c-normal', title: "(c') as (c), relay with SQLITE_SYNCHRONOUS=normal; reference as in (c)", relayEnv: { SQLITE_SYNCHRONOUS: 'normal' }, variantOf: 'c' }
];

function machine() {
	return {
		cores: availableParallelism(),
		cpuModel: cpus()[0]?.model ?? 'unknown',
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		node: process.version,
		platform: `${process.platform} ${process.arch}`,
		pinning: PINNING ? 'taskset: server on core 0, load clients on core 1' : 'none (taskset missing or fewer than 2 cores)'
	};
}

function start(kind: ServerKind, scenario: BenchScenario): Promise<RunningServer> {
	const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
	return kind === 'commonplace' ? startCommonplace({ env: { ...LOAD_RELAY_ENV, ...scenario.relayEnv }, nodeArgs }) : startReference({ nodeArgs });
}

/** What each connection (with its share of a group) adds to the server's memory. */
function perClientKiB(r: ScenarioResult): number {
	return r.clients ? ((r.rssConnectedMiB - r.rssStartMiB) * 1024) / r.clients : NaN;
}

function scenarioRows(scenario: Scenario, c: ScenarioResult, r: ScenarioResult): Row[] {
	const rows: Row[] = [{ label: scenario.title }];
	const failed = c.failedClients || r.failedClients ? ` (failed: ${c.failedClients} / ${r.failedClients})` : '';
	rows.push({ label: `  all ${c.clients.toLocaleString('en')} clients synced${failed}`, commonplace: c.syncMs, reference: r.syncMs, unit: 'ms', better: 'lower' });
	if (scenario.updatesPerSecond > 0) {
		rows.push(
			{ label: '  updates in', commonplace: c.updatesInPerSec, reference: r.updatesInPerSec, unit: '/s', better: 'higher' },
			{ label: '  deliveries out', commonplace: c.deliveriesOutPerSec, reference: r.deliveriesOutPerSec, unit: '/s', better: 'higher' },
			{ label: '  deliveries seen / expected', commonplace: `${c.delivered}/${c.expectedDeliveries}`, reference: `${r.delivered}/${r.expectedDeliveries}` },
			{ label: '  latency p50', commonplace: c.latencyMs.p50, reference: r.latencyMs.p50, unit: 'ms', better: 'lower' },
			{ label: '  latency p95', commonplace: c.latencyMs.p95, reference: r.latencyMs.p95, unit: 'ms', better: 'lower' },
			{ label: '  latency p99', commonplace: c.latencyMs.p99, reference: r.latencyMs.p99, unit: 'ms', better: 'lower' },
			{ label: '  latency max', commonplace: c.latencyMs.max, reference: r.latencyMs.max, unit: 'ms', better: 'lower' },
			{ label: '  server CPU under load', commonplace: c.cpuPercent, reference: r.cpuPercent, unit: '% core', better: 'lower' },
			{ label: '  load worker CPU (client side)', commonplace: c.loadCpuPercent, reference: r.loadCpuPercent, unit: '% core' }
		);
		if (scenario.writingGroups !== undefined) {
			rows.push(
				{ label: '  server CPU while connecting', commonplace: c.cpuConnectPercent, reference: r.cpuConnectPercent, unit: '% core', better: 'lower' },
				{ label: '  server RSS with all connected', commonplace: c.rssConnectedMiB, reference: r.rssConnectedMiB, unit: 'MiB', better: 'lower' },
				{ label: '  server RSS per connected client', commonplace: perClientKiB(c), reference: perClientKiB(r), unit: 'KiB', better: 'lower' }
			);
		}
	} else {
		rows.push(
			{ label: '  server CPU while connecting', commonplace: c.cpuConnectPercent, reference: r.cpuConnectPercent, unit: '% core', better: 'lower' },
			{ label: '  server CPU while idle', commonplace: c.cpuPercent, reference: r.cpuPercent, unit: '% core', better: 'lower' },
			{ label: '  server RSS with all connected', commonplace: c.rssConnectedMiB, reference: r.rssConnectedMiB, unit: 'MiB', better: 'lower' },
			{ label: '  server RSS per connected client', commonplace: perClientKiB(c), reference: perClientKiB(r), unit: 'KiB', better: 'lower' }
		);
	}
	rows.push(
		{ label: '  server RSS at start, no clients', commonplace: c.rssStartMiB, reference: r.rssStartMiB, unit: 'MiB', better: 'lower' },
		{ label: '  server peak RSS', commonplace: c.peakRssMiB, reference: r.peakRssMiB, unit: 'MiB', better: 'lower' }
	);
	return rows;
}

/** The four searches' in-page figures in one cell. */
function inPage(browser: Extract<BrowserFigures, { measured: true }>, figure: 'pageMs' | 'engineMs'): string {
	const { searchMs, secondSearchMs, reloadSearchMs, reloadSecondSearchMs } = browser.inPage;
	return [searchMs, secondSearchMs, reloadSearchMs, reloadSecondSearchMs].map((t) => t[figure]).join(' / ');
}

function bigGroupRows(big: BigGroupFigures | null, browser: BrowserFigures | null, size = BIG_GROUP): Row[] {
	const title = `Big group: ${size.items.toLocaleString('en')} items, ${size.highlights.toLocaleString('en')} highlights, ${size.notes.toLocaleString('en')} notes`;
	const rows: Row[] = [{ label: title }];
	if (big) {
		rows.push(
			{ label: '  encoded size (Yjs update v1)', commonplace: big.encodedBytes / 2 ** 20, unit: 'MiB' },
			{ label: `  built through the model (${big.modelWrites.toLocaleString('en')} writes)`, commonplace: big.buildMs / 1000, unit: 's' },
			{ label: '  relay cold load from SQLite', commonplace: big.coldLoadMs, unit: 'ms', better: 'lower' },
			{ label: '  first client on a just-started relay', commonplace: big.firstClientColdMs, unit: 'ms', better: 'lower' },
			{ label: '  new client receives the group', commonplace: big.newClientMs.commonplace, reference: big.newClientMs.reference, unit: 'ms', better: 'lower' },
			{ label: `  compaction (snapshot + ${big.compaction.edits.toLocaleString('en')} logged edits)`, commonplace: big.compaction.ms, unit: 'ms', better: 'lower' },
			{ label: '  longest event-loop stall while it compacts under load', commonplace: big.compactionStall.maxStallMs, unit: 'ms', better: 'lower' },
			{ label: '  a small group\'s latency max meanwhile', commonplace: big.compactionStall.smallGroup.maxMs, unit: 'ms', better: 'lower' }
		);
	}
	if (browser) {
		if (browser.measured) {
			rows.push(
				{ label: '  browser: first open online, until the first page', commonplace: browser.firstOnlinePageMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: first open online, until up to date', commonplace: browser.firstSyncMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: first open online, until the search index is saved', commonplace: browser.searchSavedMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: first page of items from IndexedDB, network off', commonplace: browser.firstPageMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: first page offline, drawn by the app itself', commonplace: browser.firstLivePageMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: opening offline, the service worker has answered (navigation timing)', commonplace: browser.offlineResponseMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: opening offline, first contentful paint', commonplace: browser.offlineFirstPaintMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: first page offline, first item painted (in the page, from navigation: Element Timing)', commonplace: browser.offlineFirstItemPaintMs, unit: 'ms', better: 'lower' },
				{ label: `  browser: first search, a word in one note ("${browser.searchWord}")`, commonplace: browser.searchMs, unit: 'ms', better: 'lower' },
				{ label: `  browser: next search, another word ("${browser.secondSearchWord}")`, commonplace: browser.secondSearchMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: first search after a reload', commonplace: browser.reloadSearchMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: next search after a reload', commonplace: browser.reloadSecondSearchMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: the four searches timed in the page, Enter → list drawn (first, next, after a reload: first, next)', commonplace: inPage(browser, 'pageMs'), unit: 'ms', better: 'lower' },
				{ label: '  browser: of which the search worker answering (asked → answer on the page)', commonplace: inPage(browser, 'engineMs'), unit: 'ms', better: 'lower' },
				{ label: `  browser: import ${browser.importBookmarks.toLocaleString('en')} bookmarks (offline)`, commonplace: browser.importMs, unit: 'ms', better: 'lower' },
				{ label: '  browser: longest main-thread task, first open online', commonplace: browser.longestTaskMs.firstOpenOnline, unit: 'ms', better: 'lower' },
				{ label: '  browser: longest main-thread task, opening offline', commonplace: browser.longestTaskMs.offlineLoad, unit: 'ms', better: 'lower' },
				{ label: '  browser: longest main-thread task, searching', commonplace: browser.longestTaskMs.search, unit: 'ms', better: 'lower' },
				{ label: `  browser: longest main-thread task, importing`, commonplace: browser.longestTaskMs.import, unit: 'ms', better: 'lower' },
				{ label: '  browser: JS heap of the tab, group open (CDP)', commonplace: browser.heapMiB, unit: 'MiB', better: 'lower' },
				{ label: `  browser: JS heap of the tab and its ${browser.workers} workers, group open (CDP)`, commonplace: browser.heapMiB + browser.workersHeapMiB, unit: 'MiB', better: 'lower' }
			);
		} else {
			rows.push(
				{ label: '  browser: first page of items from IndexedDB, network off', commonplace: 'not measured' },
				{ label: '  browser: search for a word in a note', commonplace: 'not measured' },
				{ label: `  (why: ${browser.reason})`, commonplace: '' }
			);
		}
	}
	return rows;
}

function historyRows(h: HistoryFigures, size: typeof BIG_GROUP): Row[] {
	const mib = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
	return [
		{ label: `History of the big group (${size.items.toLocaleString('en')} items; built by ${h.builtUpdates.toLocaleString('en')} logged updates, then ${h.edits.toLocaleString('en')} edits; HISTORY_DAYS=30)` },
		{ label: '  database without history (HISTORY_DAYS=0)', commonplace: mib(h.bytes.withoutHistory), unit: 'MiB', better: 'lower' },
		{ label: '  database with history', commonplace: mib(h.bytes.withHistory), unit: 'MiB', better: 'lower' },
		{ label: '  of which: snapshot / checkpoint / logged updates', commonplace: `${mib(h.bytes.snapshot)} / ${mib(h.bytes.checkpoint)} / ${mib(h.bytes.history)}`, unit: 'MiB' },
		{ label: '  read the history (on the storage thread)', commonplace: h.ms.loadHistory, unit: 'ms', better: 'lower' },
		{ label: '  one item\'s timeline, first read (all of it read and replayed on the history thread)', commonplace: h.ms.itemTimeline, unit: 'ms', better: 'lower' },
		{ label: '  the group\'s recent changes, 10 edits later (those replayed on the kept replay)', commonplace: h.ms.groupFeed, unit: 'ms', better: 'lower' },
		{ label: '  the item\'s timeline again, 10 more edits later', commonplace: h.ms.itemTimelineAgain, unit: 'ms', better: 'lower' },
		{ label: '  an item as it was at its oldest entry', commonplace: h.ms.versionAt, unit: 'ms', better: 'lower' },
		{ label: '  longest event-loop stall while reading and replaying', commonplace: h.loopStallMs, unit: 'ms', better: 'lower' },
		{ label: '  of which while reading again from the kept replay', commonplace: h.loopStallAgainMs, unit: 'ms', better: 'lower' },
		{ label: '  40 days on: compaction folding it all into the checkpoint', commonplace: h.ms.fold, unit: 'ms', better: 'lower' },
		{ label: '  (the same compaction with nothing to fold)', commonplace: h.ms.plainCompaction, unit: 'ms', better: 'lower' },
		{ label: '  after the fold: checkpoint / logged updates', commonplace: `${mib(h.afterFold.checkpoint)} / ${mib(h.afterFold.history)} (${h.afterFold.updates})`, unit: 'MiB' }
	];
}

function anchoringRows(a: AnchoringFigures): Row[] {
	const methods = (r: AnchoringFigures['edited']) => Object.entries(r.methods).map(([m, n]) => `${n} by ${m}`).join(', ');
	return [
		{ label: `Extension: ${a.highlights} highlights on a ${Math.round(a.pageBytes / 1000).toLocaleString('en')} kB article (median of ${a.runs})` },
		{ label: '  unchanged page: anchor and draw all', commonplace: a.unchanged.drawMs, unit: 'ms', better: 'lower' },
		{ label: '  unchanged page: until painted on screen', commonplace: a.unchanged.frameMs, unit: 'ms', better: 'lower' },
		{ label: '  edited page: anchor and draw all', commonplace: a.edited.drawMs, unit: 'ms', better: 'lower' },
		{ label: '  edited page: until painted on screen', commonplace: a.edited.frameMs, unit: 'ms', better: 'lower' },
		{ label: `  edited page: found ${methods(a.edited)}; orphans`, commonplace: a.edited.orphans }
	];
}

async function main() {
	const began = performance.now();
	const date = new Date().toISOString();
	const info = machine();
	// The orchestrator and everything it starts without a pin (Chromium) stay off the server's core.
	if (PINNING) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
	// The reference server is only needed by the load scenarios.
	const needsReference = SCENARIOS.some((s) => wanted(s.variantOf ?? s.id)) || wanted('big');
	const reference = needsReference ? ensureReference() : { server: 'not used', yjs: '', ws: '' };
	console.log(`Commonplace benchmark${quick ? ' (quick)' : ''} — ${info.cores} cores, ${info.cpuModel}, Node ${info.node}; pinning: ${info.pinning}\n`);

	const scenarios: Record<string, { scenario: Scenario; commonplace: ScenarioResult; reference: ScenarioResult; runs: Record<ServerKind, ScenarioResult[]> }> = {};
	const rows: Row[] = [];
	for (const scenario of SCENARIOS) {
		if (!wanted(scenario.variantOf ?? scenario.id)) continue;
		const runs: Record<ServerKind, ScenarioResult[]> = { commonplace: [], reference: [] };
		// The two servers take turns, so a noisy moment on the machine does not land on one alone.
		for (let round = 0; round < (scenario.variantOf ? 1 : repeat); round++) {
			for (const kind of ['commonplace', 'reference'] as const) {
				if (kind === 'reference' && scenario.variantOf) continue;
				console.log(`${scenario.title}: ${kind}${repeat > 1 && !scenario.variantOf ? ` (run ${round + 1} of ${repeat})` : ''} ...`);
				const server = await start(kind, scenario);
				try {
					runs[kind].push(await runScenario(server, scenario));
				} finally {
					await server.stop();
				}
				const r = runs[kind][runs[kind].length - 1];
				console.log(`  synced in ${r.syncMs} ms, ${r.updatesInPerSec}/s in, ${r.deliveriesOutPerSec}/s out, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, CPU ${r.cpuPercent}%, peak RSS ${r.peakRssMiB} MiB${r.failedClients ? `, ${r.failedClients} clients failed: ${r.firstError}` : ''}`);
			}
		}
		if (scenario.variantOf) runs.reference = scenarios[scenario.variantOf].runs.reference;
		const commonplace = quietest(scenario, runs.commonplace);
		const reference = quietest(scenario, runs.reference);
		scenarios[scenario.id] = { scenario, commonplace, reference, runs };
		rows.push(...scenarioRows(scenario, commonplace, reference));
	}

	const size = quick ? { items: 1_000, highlights: 5_000, notes: 2_000 } : BIG_GROUP;
	let big: BigGroupFigures | null = null;
	let browser: BrowserFigures | null = null;
	let prepared: PreparedBigGroup | null = null;
	if (wanted('big') || wanted('browser')) {
		console.log('Big group ...');
		prepared = await prepareBigGroup(size);
	}
	if (prepared && wanted('big')) big = await measureBigGroup(prepared);
	if (prepared && wanted('browser')) {
		console.log('Big group in the browser ...');
		browser = await measureBrowser(prepared, profileDir ? { tracePath: join(profileDir, 'browser-offline-opening.json'), onlineTracePath: join(profileDir, 'browser-first-open-online.json'), importTracePath: join(profileDir, 'browser-import.json'), reloadSearchTracePath: join(profileDir, 'browser-reload-search.json') } : {});
	}
	prepared?.doc.destroy();
	if (big || browser) rows.push(...bigGroupRows(big, browser, size));

	let cluster: ClusterFigures[] | null = null;
	if (wanted('cluster')) {
		// Loads (a) and (b) against one cluster process, then three.
		cluster = await measureCluster(SCENARIOS.filter((s) => s.id === 'a' || s.id === 'b'), LOAD_RELAY_ENV);
		rows.push(...clusterRows(cluster));
	}

	let history: HistoryFigures | null = null;
	if (wanted('history')) {
		console.log('History of the big group ...');
		history = await measureHistory(size, quick ? 200 : 1_000);
		rows.push(...historyRows(history, size));
	}

	let anchoring: AnchoringFigures | null = null;
	if (wanted('anchoring')) {
		console.log('Anchoring highlights in the browser extension ...');
		anchoring = await measureAnchoring(quick ? { bytes: 200_000, highlights: 100, runs: 3 } : {});
		rows.push(...anchoringRows(anchoring));
	}

	const table = textTable(rows);
	console.log(`\n${table}\n`);
	const results = {
		date,
		quick,
		machine: info,
		reference: { package: `@y/websocket-server@${reference.server}`, yjs: reference.yjs, ws: reference.ws, persistence: 'none (in memory only)' },
		commonplace: { persistence: 'SQLite, synchronous=FULL: every update on disk before it is passed on', loadEnv: LOAD_RELAY_ENV, bigGroupEnv: BIG_GROUP_RELAY_ENV },
		scenarios,
		bigGroup: big,
		browser,
		anchoring,
		history,
		cluster,
		repeat,
		table: markdownTable(rows),
		durationSeconds: Math.round((performance.now() - began) / 1000)
	};
	const folder = join(import.meta.dirname, 'results');
	mkdirSync(folder, { recursive: true });
	const file = join(folder, `${date.slice(0, 10)}${quick ? '-quick' : ''}${only ? `-${only.join('-')}` : ''}.json`);
	writeFileSync(file, JSON.stringify(results, null, '\t') + '\n');
	console.log(`Results: ${file} (${results.durationSeconds} s in all)`);
	if (!quick && !only) updateBenchmarksPage(results.table, info, results.reference.package, date, results.durationSeconds, file);
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** A full run replaces the table in BENCHMARKS.md (between its markers) with its own. */
function updateBenchmarksPage(table: string, info: ReturnType<typeof machine>, reference: string, date: string, seconds: number, file: string): void {
	const page = join(import.meta.dirname, '..', 'BENCHMARKS.md');
	if (!existsSync(page)) return;
	const text = readFileSync(page, 'utf8');
	const from = text.indexOf(START);
	const to = text.indexOf(END);
	if (from < 0 || to < from) return;
	const body = [
		`Run of ${date.slice(0, 16).replace('T', ' ')} UTC, ${seconds} s in all; raw figures in \`bench/results/${file.split('/').pop()}\`.`,
		`Machine: ${info.cores} cores (${info.cpuModel}), ${info.memoryGiB} GiB, Node ${info.node}, ${info.platform}; pinning: ${info.pinning}. Reference: ${reference}.`,
		'',
		table
	].join('\n');
	writeFileSync(page, `${text.slice(0, from + START.length)}\n${body}\n${text.slice(to)}`);
	console.log('BENCHMARKS.md: table updated.');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
