// "N changes waiting" counts local changes the relay has not confirmed. After the first exchange of
// each connection and while changes wait, this asks the relay (RelayConnection.confirm, one round
// trip) and tells storage which changes it now holds. Transactions are counted rather than state
// vectors compared, because a pure deletion adds no struct.
import type { GroupPersistence } from '$lib/storage/group-persistence';
import type { RelayConnection } from './relay-connection';

export type ConfirmingStorage = Pick<GroupPersistence, 'mark' | 'confirm' | 'state' | 'subscribe'>;
export type ConfirmingConnection = Pick<RelayConnection, 'confirm' | 'canConfirm' | 'subscribe'>;

/** Keeps confirming while both live; at most one question in flight, and one every `delayMs` while typing. */
export function confirmChanges(storage: ConfirmingStorage, connection: ConfirmingConnection, delayMs = 300): () => void {
	let timer: ReturnType<typeof setTimeout> | null = null;
	let asking = false;
	let stopped = false;
	let confirmedUpTo = -1;

	const ask = async () => {
		timer = null;
		if (stopped || asking || !connection.canConfirm || storage.state.waiting === 0) return;
		asking = true;
		const mark = storage.mark();
		const held = await connection.confirm();
		asking = false;
		if (stopped) return;
		if (held) {
			confirmedUpTo = mark;
			storage.confirm(mark);
		}
		// Changes made while the question was out wait for the next one.
		if (held && storage.mark() > confirmedUpTo) soon(delayMs);
	};
	const soon = (delay: number) => {
		if (stopped || timer) return;
		timer = setTimeout(() => void ask(), delay);
	};

	let couldConfirm = false;
	const offConnection = connection.subscribe(() => {
		const can = connection.canConfirm;
		// A fresh connection confirms what waits (changes made offline) at once.
		if (can && !couldConfirm) soon(0);
		couldConfirm = can;
	});
	const offStorage = storage.subscribe((state) => {
		if (state.waiting > 0 && connection.canConfirm) soon(delayMs);
	});
	return () => {
		stopped = true;
		if (timer) clearTimeout(timer);
		offConnection();
		offStorage();
	};
}
