// The relay's CPU per update (`npx tsx bench/relay-cpu.ts`): scenario (a)'s shape (100 groups, a
// writer and two readers each, 500 updates/s in all for 12 s) with raw WebSocket clients sending
// ready-made updates. The load costs little, so on a busy machine the server still gets every
// update on time, which the stock clients of `npm run bench` may not manage. Reports each server
// process's CPU seconds per thread over the load (from /proc), per update: steadier than latency on
// a shared machine. The relay and the reference take turns (`--relay-only`: the relay alone);
// `RUNS=N` pairs; `NODE_ARGS` are node flags for the relay (`--cpu-prof --cpu-prof-dir=DIR`).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { WebSocket } from 'ws';
import { encodeUpdate } from '../server/protocol.ts';
import { openSocket } from './raw-socket.ts';
import * as Y from 'yjs';
import { addNote, addItem, createGroup, randomId } from '../src/lib/model/index.ts';
import { startCommonplace, startReference, type RunningServer } from './servers';

const GROUPS = Number(process.env.GROUPS ?? 100);
const READERS = 2;
const RATE = Number(process.env.RATE ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 12);
const RUNS = Number(process.env.RUNS ?? 1);

/** CPU seconds of each thread of the process, by thread name and id. */
function threadSeconds(pid: number): Map<string, number> {
	const out = new Map<string, number>();
	for (const tid of readdirSync(`/proc/${pid}/task`)) {
		try {
			const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			out.set(`${Number(tid) === pid ? 'event loop' : name}#${tid}`, (Number(fields[11]) + Number(fields[12])) / 100);
		} catch {
			// The thread ended meanwhile.
		}
	}
	return out;
}

async function run(kind: 'commonplace' | 'reference'): Promise<{ server: string; updates: number; msPerUpdate: number; byThread: Record<string, number> }> {
	const server: RunningServer =
		kind === 'reference'
			? await startReference()
			: await startCommonplace({ env: { CONNECTIONS_PER_IP: '1000000', MESSAGES_PER_SECOND: '1000000', MESSAGE_BURST: '1000000' }, nodeArgs: (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean) });
	const sockets: WebSocket[] = [];
	try {
		const writers: { socket: WebSocket; updates: Uint8Array[] }[] = [];
		let received = 0;
		for (let g = 0; g < GROUPS; g++) {
			const groupId = randomId();
			const token = randomBytes(24).toString('base64url');
			const doc = new Y.Doc();
			const actor = { memberId: `m${g}` };
			createGroup(doc, actor, { name: `Group ${g}` });
			const { itemId } = addItem(doc, actor, { url: `https://example.org/${g}`, title: 'A page' });
			const query = (first: boolean) => new URLSearchParams(server.params(token, first)).toString();
			const writer = await openSocket(`${server.providerUrl}/${groupId}?${query(true)}`);
			writer.send(encodeUpdate(Y.encodeStateAsUpdate(doc)));
			const updates: Uint8Array[] = [];
			doc.on('update', (update: Uint8Array) => updates.push(encodeUpdate(update)));
			for (let i = 0; i < (RATE / GROUPS) * SECONDS; i++) addNote(doc, actor, itemId, { text: `note ${i} ${'x'.repeat(40)}` });
			writers.push({ socket: writer, updates });
			sockets.push(writer);
			for (let r = 0; r < READERS; r++) {
				const reader = await openSocket(`${server.providerUrl}/${groupId}?${query(false)}`);
				reader.on('message', (data: Buffer) => {
					if (data[0] === 0 && data[1] === 2) received++;
				});
				sockets.push(reader);
			}
		}
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const total = writers.reduce((n, w) => n + w.updates.length, 0);
		received = 0;
		const before = threadSeconds(server.pid);
		const started = performance.now();
		// Spread evenly: group g's i-th update is due at (i * GROUPS + g) / RATE seconds.
		let sent = 0;
		await new Promise<void>((resolve) => {
			const tick = setInterval(() => {
				const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
				for (; sent < due; sent++) {
					const w = writers[sent % GROUPS];
					w.socket.send(w.updates[Math.floor(sent / GROUPS)]);
				}
				if (sent === total) {
					clearInterval(tick);
					resolve();
				}
			}, 2);
		});
		const deadline = performance.now() + 30_000;
		while (received < total * READERS && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
		const after = threadSeconds(server.pid);
		const byThread: Record<string, number> = {};
		let cpu = 0;
		for (const [thread, seconds] of after) {
			const used = seconds - (before.get(thread) ?? 0);
			cpu += used;
			if (used >= 0.01) byThread[thread] = Math.round((used / total) * 1e6) / 1e3;
		}
		if (received < total * READERS) throw new Error(`only ${received} of ${total * READERS} deliveries arrived`);
		return { server: kind, updates: total, msPerUpdate: Math.round((cpu / total) * 1e6) / 1e3, byThread };
	} finally {
		for (const socket of sockets) socket.terminate();
		await server.stop();
	}
}

// The two servers take turns, so each pair ran in the same minute.
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
for (let i = 0; i < RUNS; i++) {
	for (const kind of process.argv.includes('--relay-only') ? (['commonplace'] as const) : (['commonplace', 'reference'] as const)) {
		console.log(JSON.stringify({ loadavg: loadavg(), ...(await run(kind)) }));
	}
}
