// Cuts one large Yjs update (a whole group, as the relay sends it or compaction stores it) into a
// sequence of smaller updates that, applied in order, give the same document. Applying a 30 MB
// update is one task of seconds; applying its slices with a pause between lets the page draw and
// answer the keyboard meanwhile. Structs are never cut: a slice ends between two of them, and each
// slice holds one contiguous run per client, as the update format requires. The delete set comes
// after every struct, so nothing is deleted before it exists, in slices of its own as long as the
// struct slices (applying a delete set finds every deleted range among the structs).
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

/** Slices of at most `maxStructs` structs or deleted ranges each (one slice, the update itself, when it is small). */
export function splitUpdate(update: Uint8Array, maxStructs: number): Uint8Array[] {
	const { structs, ds } = Y.decodeUpdate(update);
	let ranges = 0;
	for (const items of ds.clients.values()) ranges += items.length;
	if (structs.length <= maxStructs && ranges <= maxStructs) return [update];
	const slices: Uint8Array[] = [];
	// Runs of one slice: contiguous structs of one client.
	let runs: Struct[][] = [];
	let count = 0;
	const clientsInSlice = new Set<number>();
	const flush = (withDeletes: boolean) => {
		const encoder = new Y.UpdateEncoderV1();
		encoding.writeVarUint(encoder.restEncoder, runs.length);
		for (const run of runs) {
			encoding.writeVarUint(encoder.restEncoder, run.length);
			encoder.writeClient(run[0].id.client);
			encoding.writeVarUint(encoder.restEncoder, run[0].id.clock);
			for (const struct of run) struct.write(encoder, 0);
		}
		if (withDeletes) writeDeleteSet(encoder, ds);
		else encoding.writeVarUint(encoder.restEncoder, 0);
		slices.push(encoder.toUint8Array());
		runs = [];
		count = 0;
		clientsInSlice.clear();
	};
	let last: Struct | null = null;
	for (const struct of structs) {
		const continues = last !== null && last.id.client === struct.id.client && last.id.clock + last.length === struct.id.clock;
		if (count >= maxStructs || (!continues && clientsInSlice.has(struct.id.client))) flush(false);
		if (runs.length === 0 || !continues || runs[runs.length - 1][0].id.client !== struct.id.client) {
			runs.push([]);
			clientsInSlice.add(struct.id.client);
		}
		runs[runs.length - 1].push(struct);
		count++;
		last = struct;
	}
	flush(false);
	for (const part of splitDeleteSet(ds, maxStructs)) {
		const encoder = new Y.UpdateEncoderV1();
		encoding.writeVarUint(encoder.restEncoder, 0);
		writeDeleteSet(encoder, part);
		slices.push(encoder.toUint8Array());
	}
	return slices;
}

type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/** The delete set in parts of at most `maxRanges` deleted ranges each (none when it is empty). */
function splitDeleteSet(ds: DeleteSet, maxRanges: number): DeleteSet[] {
	const parts: DeleteSet[] = [];
	let part = Y.createDeleteSet();
	let ranges = 0;
	for (const [client, items] of ds.clients) {
		for (let start = 0; start < items.length; ) {
			if (ranges >= maxRanges) {
				parts.push(part);
				part = Y.createDeleteSet();
				ranges = 0;
			}
			const taken = items.slice(start, start + maxRanges - ranges);
			part.clients.set(client, [...(part.clients.get(client) ?? []), ...taken]);
			ranges += taken.length;
			start += taken.length;
		}
	}
	if (ranges > 0) parts.push(part);
	return parts;
}

/** The delete set as Yjs writes it (clients in descending order). */
function writeDeleteSet(encoder: Y.UpdateEncoderV1, ds: DeleteSet): void {
	const clients = [...ds.clients.entries()].sort((a, b) => b[0] - a[0]);
	encoding.writeVarUint(encoder.restEncoder, clients.length);
	for (const [client, items] of clients) {
		encoder.resetDsCurVal();
		encoding.writeVarUint(encoder.restEncoder, client);
		encoding.writeVarUint(encoder.restEncoder, items.length);
		for (const item of items) {
			encoder.writeDsClock(item.clock);
			encoder.writeDsLen(item.len);
		}
	}
}
