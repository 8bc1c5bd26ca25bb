// Big-group figures: build the group through the model, then measure its encoded size, the relay's
// cold load from SQLite, how long a new client takes to receive it (against the reference too),
// and compaction.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { randomId, roots } from '../../src/lib/model';
import { BenchClient, clock } from '../load/group-clients';
import { pinned } from '../pinning';
import { startCommonplace, startReference, type RunningServer } from '../servers';
import { round } from '../stats';
import { BIG_GROUP, buildBigGroup, type BigGroupSize } from './build';
import { measureCompactionStall, type CompactionStall } from './compaction-stall';

/**
 * Relay settings for the big-group figures on top of its defaults: none. (The relay takes a group's
 * whole first upload up to MAX_UPDATE_BYTES, 32 MiB, and does not count a big first sync in flight
 * as a slow reader.) Kept as a named place for an operator's settings to show in the results.
 */
export const BIG_GROUP_RELAY_ENV: Record<string, string> = {};

export interface BigGroupFigures {
	size: BigGroupSize;
	buildMs: number;
	modelWrites: number;
	encodedBytes: number;
	encodedBytesV2: number;
	/** The relay's store, in a fresh process: read from SQLite and apply into a Y.Doc. */
	coldLoadMs: number;
	/** A client's first sync against a relay just started (the room loads from SQLite first). */
	firstClientColdMs: number;
	/** A new client's first sync while the group is already in the relay's memory. */
	newClientMs: { commonplace: number; reference: number };
	compaction: { edits: number; ms: number; snapshotBytes: number };
	/** The relay compacting the big group while members write: its longest event-loop stall. */
	compactionStall: CompactionStall;
	clientItems: number;
}

/** Runs a bench script in a fresh process on the given core; resolves with the JSON line it prints last. */
async function runScript<T>(core: 'server' | 'load', script: string, scriptArgs: string[]): Promise<T> {
	const [command, args] = pinned(core, process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...scriptArgs]);
	// Asynchronous, so this process keeps draining the servers' output meanwhile.
	const { stdout } = await promisify(execFile)(command, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
	return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

/** A new client's first sync, timed in a fresh process on the load core. */
function newClient(server: RunningServer, groupId: string, params: Record<string, string>): Promise<{ ms: number; items: number }> {
	return runScript('load', 'new-client.ts', [server.providerUrl, groupId, JSON.stringify(params)]);
}

async function sync(server: RunningServer, groupId: string, params: Record<string, string>, doc?: Y.Doc): Promise<{ client: BenchClient; ms: number }> {
	const client = new BenchClient(server.providerUrl, groupId, params, doc);
	const start = clock();
	await client.connect(300_000);
	return { client, ms: clock() - start };
}

/** Uploads `doc` as the group's first client and waits until a second client sees all of it. */
export async function upload(server: RunningServer, groupId: string, token: string, doc: Y.Doc, items: number): Promise<void> {
	const uploader = await sync(server, groupId, server.params(token, true), doc);
	const check = await sync(server, groupId, server.params(token, false));
	const itemsMap = roots(check.client.doc).items;
	const deadline = clock() + 300_000;
	while (itemsMap.size < items) {
		if (clock() > deadline) throw new Error(`The server holds ${itemsMap.size} of ${items} items after the upload.`);
		await new Promise((r) => setTimeout(r, 50));
	}
	uploader.client.destroy();
	check.client.destroy();
}

/** The big group, built once and measured by the relay and browser figures. */
export interface PreparedBigGroup {
	size: BigGroupSize;
	doc: Y.Doc;
	buildMs: number;
	modelWrites: number;
	groupId: string;
	token: string;
	/** The item whose note holds each search word. */
	needleItems: Record<string, string>;
}

export async function prepareBigGroup(size: BigGroupSize = BIG_GROUP, log: (line: string) => void = console.log): Promise<PreparedBigGroup> {
	const doc = new Y.Doc();
	let modelWrites = 0;
	doc.on('update', () => modelWrites++);
	log(`  building ${size.items.toLocaleString('en')} items, ${size.highlights.toLocaleString('en')} highlights, ${size.notes.toLocaleString('en')} notes through the model ...`);
	const start = clock();
	const { needleItems } = await buildBigGroup(doc, size);
	return { size, doc, buildMs: clock() - start, modelWrites, groupId: randomId(), token: randomBytes(24).toString('base64url'), needleItems };
}

export async function measureBigGroup(group: PreparedBigGroup, log: (line: string) => void = console.log): Promise<BigGroupFigures> {
	const { size, doc, groupId, token } = group;
	const encodedBytes = Y.encodeStateAsUpdate(doc).byteLength;
	const encodedBytesV2 = Y.encodeStateAsUpdateV2(doc).byteLength;

	const dataDir = mkdtempSync(join(tmpdir(), 'commonplace-bench-big-'));
	try {
		log('  uploading to the relay ...');
		let relay = await startCommonplace({ dataDir, env: BIG_GROUP_RELAY_ENV });
		try {
			await upload(relay, groupId, token, doc, size.items);
		} finally {
			await relay.stop();
		}

		log('  cold start, first and second client ...');
		relay = await startCommonplace({ dataDir, env: BIG_GROUP_RELAY_ENV });
		let first: { ms: number; items: number };
		let second: { ms: number; items: number };
		try {
			first = await newClient(relay, groupId, relay.params(token, false));
			// The room stays in memory for a minute after its last client leaves (ROOM_IDLE_MS).
			second = await newClient(relay, groupId, relay.params(token, false));
		} finally {
			await relay.stop();
		}
		if (first.items !== size.items || second.items !== size.items) {
			throw new Error(`New clients received ${first.items} and ${second.items} of ${size.items} items.`);
		}

		log('  compaction under load: longest event-loop stall ...');
		const compactionStall = await measureCompactionStall(dataDir, groupId, token, doc);

		log('  the store alone: cold load and compaction ...');
		const store = await runScript<{ loadMs: number; compactedUpdates: number; compactionMs: number; snapshotBytes: number }>('server', 'store-timings.ts', [dataDir, groupId, '1000']);

		log('  the reference server ...');
		const reference = await startReference();
		let referenceClient: { ms: number; items: number };
		try {
			await upload(reference, groupId, token, doc, size.items);
			// The reference keeps every group in memory once loaded, so this is its warm case too.
			referenceClient = await newClient(reference, groupId, {});
		} finally {
			await reference.stop();
		}

		return {
			size,
			buildMs: round(group.buildMs),
			modelWrites: group.modelWrites,
			encodedBytes,
			encodedBytesV2,
			coldLoadMs: round(store.loadMs),
			firstClientColdMs: round(first.ms),
			newClientMs: { commonplace: round(second.ms), reference: round(referenceClient.ms) },
			compaction: { edits: store.compactedUpdates, ms: round(store.compactionMs), snapshotBytes: store.snapshotBytes },
			compactionStall,
			clientItems: second.items
		};
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}
