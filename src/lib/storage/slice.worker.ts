// Cuts large stored updates into slices off the page's thread (decoding 30 MB takes a second or two).
import { serve, transfer } from '$lib/workers/rpc';
import { splitUpdate } from './split-update';

export const handlers = {
	slice(update: Uint8Array, maxStructs: number): Uint8Array[] {
		const slices = splitUpdate(update, maxStructs);
		return transfer(slices, slices.map((s) => s.buffer));
	}
};

serve(handlers, self as unknown as Parameters<typeof serve>[1]);
