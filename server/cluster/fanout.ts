// The cluster's RoomFanout: every relay process with members of a group reads the group's Redis
// streams (updates and presence) with one blocking XREAD on a dedicated connection, and hands what
// other processes added to the group's room. Joining a group, and reconnecting to Redis after it
// restarted, also reads the group from PostgreSQL, so an update is never missed in between.
import type { Redis } from 'ioredis';
import * as Y from 'yjs';
import type { FanoutListener, RoomFanout } from '../fanout.ts';
import { errorText, type Logger } from '../log.ts';
import type { RoomStore } from '../persistence/types.ts';
import { FIELD_BODY, FIELD_FROM, type StreamKeys } from './keys.ts';

export interface StreamFanoutOptions {
	/** For XADD of presence, XREVRANGE, TIME and CLIENT UNBLOCK. */
	commands: Redis;
	/** Only for the blocking XREAD. */
	reader: Redis;
	keys: StreamKeys;
	processId: string;
	store: RoomStore;
	log: Logger;
}

/** Presence kept in a group's presence stream: enough for a process that just joined to see who is here. */
const PRESENCE_STREAM_LENGTH = 200;
/** A process that joins a group reads the presence of this long ago onwards. */
const PRESENCE_LOOKBACK_MS = 30_000;
const BLOCK_MS = 2_000;
const READ_COUNT = 1_000;
const STUCK_AFTER_MS = 3_000;

class StuckRead extends Error {
	override message = 'a stream read did not return in time';
}

interface GroupReading {
	listeners: Set<FanoutListener>;
	/** Last entry read of each stream; null until the group's starting point is known. */
	updatesFrom: string | null;
	presenceFrom: string | null;
}

type Entry = [Buffer, Buffer[]];
type StreamReply = [Buffer, Entry[]][];

function field(fields: Buffer[], name: string): Buffer | null {
	for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i].toString() === name) return fields[i + 1];
	return null;
}

export function createStreamFanout(options: StreamFanoutOptions): RoomFanout & { readonly reading: number } {
	const { commands, reader, keys, processId, store, log } = options;
	const groups = new Map<string, GroupReading>();
	let closed = false;
	let blocking = false;
	let readerId: number | null = null;
	let wake: (() => void) | null = null;
	let unblockTimer: NodeJS.Timeout | null = null;

	/** Makes the reader start over with the current set of groups. */
	const interrupt = () => {
		wake?.();
		wake = null;
		if (unblockTimer || !blocking) return;
		// CLIENT UNBLOCK can reach Redis before the XREAD it is meant for; it is sent again until the read returns.
		const send = () => {
			unblockTimer = null;
			if (!blocking || readerId === null || closed) return;
			commands.client('UNBLOCK', readerId).catch(() => {});
			unblockTimer = setTimeout(send, 50);
		};
		send();
	};

	const redisNow = async (): Promise<number> => {
		const [seconds, micros] = await commands.time();
		return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
	};

	/** Brings the group's listeners up to date from PostgreSQL (Yjs ignores what they already have). */
	const catchUp = async (groupId: string) => {
		const stored = await store.load(groupId);
		const reading = groups.get(groupId);
		if (!stored || !reading) return;
		const update = Y.mergeUpdates(stored.updates);
		for (const listener of reading.listeners) listener.onUpdate(update);
	};

	const start = async (groupId: string, reading: GroupReading) => {
		try {
			// The starting point first, then PostgreSQL: an update is either in what is loaded or after that point.
			const newest = await commands.xrevrange(keys.updates(groupId), '+', '-', 'COUNT', 1);
			const presenceFrom = `${Math.max(0, (await redisNow()) - PRESENCE_LOOKBACK_MS)}-0`;
			if (groups.get(groupId) !== reading) return;
			reading.updatesFrom = newest[0]?.[0] ?? '0-0';
			reading.presenceFrom = presenceFrom;
			interrupt();
			await catchUp(groupId);
		} catch (error) {
			if (closed || groups.get(groupId) !== reading) return;
			log.warn('group stream not joined yet', { groupId, error: errorText(error) });
			setTimeout(() => void (groups.get(groupId) === reading && reading.updatesFrom === null && start(groupId, reading)), 500).unref();
		}
	};

	/** Hands out what one read returned, to the readings it was made for (not to newer ones of the group). */
	const deliver = (reply: StreamReply, readFor: Map<string, { groupId: string; reading: GroupReading; isPresence: boolean }>) => {
		for (const [key, entries] of reply) {
			const target = readFor.get(key.toString());
			if (!target || entries.length === 0) continue;
			const { groupId, reading, isPresence } = target;
			if (groups.get(groupId) !== reading) continue;
			const lastId = entries[entries.length - 1][0].toString();
			if (isPresence) reading.presenceFrom = lastId;
			else reading.updatesFrom = lastId;
			for (const [, fields] of entries) {
				const body = field(fields, FIELD_BODY);
				if (!body || field(fields, FIELD_FROM)?.toString() === processId) continue;
				const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
				for (const listener of reading.listeners) {
					try {
						if (isPresence) listener.onAwareness(bytes);
						else listener.onUpdate(bytes);
					} catch (error) {
						log.warn('update from another relay process not applied', { groupId, error: errorText(error) });
					}
				}
			}
		}
	};

	const readLoop = async () => {
		while (!closed) {
			const ready = [...groups].filter(([, reading]) => reading.updatesFrom !== null && reading.presenceFrom !== null);
			if (ready.length === 0) {
				await new Promise<void>((resolve) => {
					wake = resolve;
				});
				continue;
			}
			const streamNames = ready.flatMap(([groupId]) => [keys.updates(groupId), keys.presence(groupId)]);
			const readFor = new Map(
				ready.flatMap(([groupId, reading]) => [
					[keys.updates(groupId), { groupId, reading, isPresence: false }],
					[keys.presence(groupId), { groupId, reading, isPresence: true }]
				])
			);
			const ids = ready.flatMap(([, reading]) => [reading.updatesFrom!, reading.presenceFrom!]);
			blocking = true;
			let watchdog: NodeJS.Timeout | null = null;
			try {
				const read = reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...streamNames, ...ids) as Promise<StreamReply | null>;
				read.catch(() => {});
				// A read that outlives its block by far is stuck on a connection Redis no longer serves.
				const stuck = new Promise<never>((_, reject) => {
					watchdog = setTimeout(() => reject(new StuckRead()), BLOCK_MS + STUCK_AFTER_MS);
				});
				const reply = await Promise.race([read, stuck]);
				blocking = false;
				if (reply) deliver(reply, readFor);
			} catch (error) {
				blocking = false;
				if (closed) return;
				log.warn('reading the group streams failed', { error: errorText(error) });
				// A new connection; its 'ready' reads the groups again from PostgreSQL.
				if (error instanceof StuckRead) reader.disconnect(true);
				await new Promise((resolve) => setTimeout(resolve, 200));
			} finally {
				if (watchdog) clearTimeout(watchdog);
				if (unblockTimer) clearTimeout(unblockTimer);
				unblockTimer = null;
			}
		}
	};

	let connectedBefore = false;
	const onReaderReady = () => {
		reader
			.client('ID')
			.then((id) => {
				readerId = Number(id);
			})
			.catch(() => {});
		// After a Redis restart the streams are empty and an update may have been added to none of them: read PostgreSQL again.
		if (connectedBefore) {
			log.info('reconnected to Redis; groups read again from PostgreSQL', { groups: groups.size });
			for (const groupId of groups.keys()) catchUp(groupId).catch((error: unknown) => log.warn('group not read again', { groupId, error: errorText(error) }));
		}
		connectedBefore = true;
	};
	reader.on('ready', onReaderReady);
	if (reader.status === 'ready') onReaderReady();
	void readLoop();

	return {
		get reading() {
			return groups.size;
		},
		publish() {
			// The cluster's store added the update to the group's stream when it stored it.
		},
		publishAwareness(groupId, update) {
			commands
				.xadd(keys.presence(groupId), 'MAXLEN', '~', PRESENCE_STREAM_LENGTH, '*', FIELD_BODY, Buffer.from(update), FIELD_FROM, processId)
				.catch((error: unknown) => log.warn('presence not passed on', { groupId, error: errorText(error) }));
		},
		subscribe(groupId, listener) {
			let reading = groups.get(groupId);
			if (!reading) {
				const fresh: GroupReading = { listeners: new Set(), updatesFrom: null, presenceFrom: null };
				groups.set(groupId, fresh);
				reading = fresh;
				void start(groupId, fresh);
			}
			reading.listeners.add(listener);
			const subscribed = reading;
			return () => {
				subscribed.listeners.delete(listener);
				if (subscribed.listeners.size === 0 && groups.get(groupId) === subscribed) {
					groups.delete(groupId);
					interrupt();
				}
			};
		},
		close() {
			closed = true;
			groups.clear();
			interrupt();
			reader.off('ready', onReaderReady);
		}
	};
}
