// Quick relay numbers (`npx tsx bench/relay-quick.ts`): updates per second one relay process sustains
// with persistence on (1 writer, 10 readers, one room), and its RSS with 1,000 idle connections
// across 100 groups. The relay runs as a child process; clients are raw WebSockets so the bench
// measures the relay, not Yjs in the clients.
import { readFileSync } from 'node:fs';
import type { WebSocket } from 'ws';
import { encodeUpdate } from '../server/protocol.ts';
import { openSocket } from './raw-socket.ts';
import * as Y from 'yjs';
import { createGroup, randomId } from '../src/lib/model/index.ts';
import { newToken, spawnRelay, type SpawnedRelay } from '../tests/helpers/relay.ts';

const UPDATES = Number(process.env.UPDATES ?? 5_000);
const READERS = 10;
const GROUPS = 100;
const CONNECTIONS_PER_GROUP = 10;

function rssMiB(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((l) => l.startsWith('VmRSS:'));
	return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024;
}

const limits = { messagesPerSecond: 1_000_000, messageBurst: 1_000_000, connectionsPerIp: 5_000, logLevel: 'warn' as const };

async function throughput(synchronous: 'full' | 'normal'): Promise<number> {
	const relay = await spawnRelay({ ...limits, sqliteSynchronous: synchronous });
	try {
		const groupId = randomId();
		const token = newToken();
		const writer = await openSocket(`${relay.wsUrl}/${groupId}?token=${token}&create=1`);
		const readers = await Promise.all(Array.from({ length: READERS }, () => openSocket(`${relay.wsUrl}/${groupId}?token=${token}`)));
		// The updates a member typing in a note would send: one small insertion each.
		const doc = new Y.Doc();
		const messages: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => messages.push(encodeUpdate(update)));
		const text = doc.getText('note');
		for (let i = 0; i < UPDATES; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));

		let received = 0;
		const done = new Promise<void>((resolve) => {
			for (const reader of readers) {
				reader.on('message', (data: Buffer) => {
					// Count passed-on updates (sync type 0, step 2 = update); skip the greeting.
					if (data[0] === 0 && data[1] === 2 && ++received === UPDATES * READERS) resolve();
				});
			}
		});
		const started = performance.now();
		for (let i = 0; i < messages.length; i++) {
			writer.send(messages[i]);
			if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
		}
		await done;
		const seconds = (performance.now() - started) / 1000;
		for (const socket of [writer, ...readers]) socket.terminate();
		return UPDATES / seconds;
	} finally {
		await relay.stop();
	}
}

async function idleMemory(): Promise<{ before: number; after: number }> {
	const relay: SpawnedRelay = await spawnRelay(limits);
	const sockets: WebSocket[] = [];
	try {
		const pid = relay.child.pid!;
		await new Promise((resolve) => setTimeout(resolve, 500));
		const before = rssMiB(pid);
		for (let g = 0; g < GROUPS; g++) {
			const groupId = randomId();
			const token = newToken();
			const first = await openSocket(`${relay.wsUrl}/${groupId}?token=${token}&create=1`);
			sockets.push(first);
			// Each group holds a small document, as a freshly made group does.
			const doc = new Y.Doc();
			createGroup(doc, { memberId: `member-${g}` }, { name: `Group ${g}`, member: { name: 'Someone', color: '#3366cc' } });
			first.send(encodeUpdate(Y.encodeStateAsUpdate(doc)));
			for (let c = 1; c < CONNECTIONS_PER_GROUP; c++) sockets.push(await openSocket(`${relay.wsUrl}/${groupId}?token=${token}`));
		}
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		return { before, after: rssMiB(pid) };
	} finally {
		for (const socket of sockets) socket.terminate();
		await relay.stop();
	}
}

// Three runs each: the machine may be shared, so the median says more than one run.
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const full: number[] = [];
const normal: number[] = [];
for (let run = 0; run < 3; run++) {
	full.push(await throughput('full'));
	normal.push(await throughput('normal'));
}
const memory = await idleMemory();
console.log(
	JSON.stringify(
		{
			updates: UPDATES,
			readers: READERS,
			updatesPerSecondSynchronousFull: { median: Math.round(median(full)), runs: full.map(Math.round) },
			updatesPerSecondSynchronousNormal: { median: Math.round(median(normal)), runs: normal.map(Math.round) },
			idleConnections: GROUPS * CONNECTIONS_PER_GROUP,
			groups: GROUPS,
			rssMiBBefore: Math.round(memory.before),
			rssMiBWith1000Idle: Math.round(memory.after)
		},
		null,
		2
	)
);
