// The seam where updates travel between relay processes that serve the same group. One process
// (the default) has no one to tell; a scale-out deployment puts a Redis Streams log here (SPEC §7).

export interface RoomFanout {
	/** Passes on an update this process accepted and stored, to the other processes serving the group. */
	publish(groupId: string, update: Uint8Array): void;
	/** Delivers updates that other processes accepted for the group; returns the unsubscribe function. */
	subscribe(groupId: string, onUpdate: (update: Uint8Array) => void): () => void;
	close(): void;
}

/** A single relay process: every member of a group is in this process's room already. */
export function createLocalFanout(): RoomFanout {
	return {
		publish() {},
		subscribe() {
			return () => {};
		},
		close() {}
	};
}
