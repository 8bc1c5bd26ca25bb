import { describe, expect, it } from 'vitest';
import { packHistory, packedBuffers, unpackHistory } from './packed';

describe('packed history', () => {
	it('round-trips updates, authors and the base, in a few buffers of its own', () => {
		const base = Uint8Array.of(9, 9);
		const history = {
			base,
			baseAt: 5,
			updates: [
				{ seq: 3, body: Uint8Array.of(1, 2), author: { tokenId: 'a', name: 'Ana', at: 10 } },
				{ seq: 4, body: Uint8Array.of(), author: null },
				{ seq: 8, body: Uint8Array.of(3), author: { tokenId: 'a', name: 'Ana', at: 11 } }
			]
		};
		const packed = packHistory(history);
		expect(packed.authors).toEqual([{ tokenId: 'a', name: 'Ana' }]);
		expect(unpackHistory(packed)).toEqual(history);
		// Transferring it never detaches the caller's own base.
		expect(packedBuffers(packed)).not.toContain(base.buffer);
		expect(packedBuffers(packed).length).toBe(6);
	});
});
