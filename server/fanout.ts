// The seam where updates and presence travel between relay processes that serve the same group.
// One process (the default) has no one to tell; a cluster reads Redis Streams here (cluster/fanout.ts).

export interface FanoutListener {
	/** An update another process accepted and stored for the group. */
	onUpdate(update: Uint8Array): void;
	/** A presence (awareness) update of members connected to another process. */
	onAwareness(update: Uint8Array): void;
}

export interface RoomFanout {
	/**
	 * Passes on an update this process accepted and stored, to the other processes serving the group.
	 * (The cluster's store adds it to the group's stream as part of storing it; see cluster/room-store.ts.)
	 */
	publish(groupId: string, update: Uint8Array): void;
	/** Passes on presence changes of this process's members. */
	publishAwareness(groupId: string, update: Uint8Array): void;
	/** Delivers what other processes accepted for the group; returns the unsubscribe function. */
	subscribe(groupId: string, listener: FanoutListener): () => void;
	close(): void;
}

/** A single relay process: every member of a group is in this process's room already. */
export function createLocalFanout(): RoomFanout {
	return {
		publish() {},
		publishAwareness() {},
		subscribe() {
			return () => {};
		},
		close() {}
	};
}
