// One group's stock y-websocket clients: a writer making model edits that carry their send time,
// and readers that note when each edit reaches them.
import * as Y from 'yjs';
import ws from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { addItem, addNote, createGroup, roots, type Actor } from '../../src/lib/model';
import type { GroupPlan } from './protocol';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
export const clock = (): number => performance.timeOrigin + performance.now();

const NOTE_PREFIX = 'bench edit ';

export interface Recorder {
	/** Only edits sent after this moment count. */
	since: number;
	delivered: number;
	latencies: number[];
}

/** One stock y-websocket client, as any member's app would run it, with its own document. */
export class BenchClient {
	readonly doc: Y.Doc;
	provider: WebsocketProvider | null = null;
	closeReason: string | null = null;

	constructor(
		private readonly providerUrl: string,
		private readonly groupId: string,
		private readonly params: Record<string, string>,
		/** A document of the caller's, which stays theirs; by default the client makes its own. */
		private readonly given?: Y.Doc
	) {
		this.doc = given ?? new Y.Doc();
	}

	/** Connects and resolves once the first sync with the server is complete. */
	connect(timeoutMs: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const provider = new WebsocketProvider(this.providerUrl, this.groupId, this.doc, {
				// Node has a global BroadcastChannel, which would let clients of one process skip the server.
				disableBc: true,
				params: this.params,
				WebSocketPolyfill: ws as unknown as typeof WebSocket,
				maxBackoffTime: 5_000
			});
			this.provider = provider;
			const timer = setTimeout(() => done(new Error(this.closeReason ?? `no sync within ${timeoutMs / 1000} s`)), timeoutMs);
			const onSync = (synced: boolean) => synced && done(null);
			const onClose = (event: { code?: number; reason?: string } | null) => {
				if (event?.code && event.code >= 4000) {
					this.closeReason = `closed with ${event.code}${event.reason ? ` (${event.reason})` : ''}`;
					done(new Error(this.closeReason));
				}
			};
			function done(error: Error | null) {
				clearTimeout(timer);
				provider.off('sync', onSync);
				provider.off('connection-close', onClose);
				if (error) reject(error);
				else resolve();
			}
			provider.on('sync', onSync);
			provider.on('connection-close', onClose);
		});
	}

	/** Counts every note that arrives carrying a send time. */
	listen(recorder: Recorder): void {
		const notes = roots(this.doc).notes;
		notes.observe((event) => {
			const at = clock();
			for (const [key, change] of event.changes.keys) {
				if (change.action !== 'add') continue;
				const text = notes.get(key)?.get('text');
				const sentAt = parseSendTime(text instanceof Y.Text ? text.toString() : '');
				if (sentAt !== null && sentAt >= recorder.since) {
					recorder.delivered++;
					recorder.latencies.push(at - sentAt);
				}
			}
		});
	}

	destroy(): void {
		this.provider?.destroy();
		if (!this.given) this.doc.destroy();
	}
}

function parseSendTime(text: string): number | null {
	if (!text.startsWith(NOTE_PREFIX)) return null;
	const sentAt = Number(text.slice(NOTE_PREFIX.length).split(' ')[1]);
	return Number.isFinite(sentAt) ? sentAt : null;
}

/** A group of C clients: the first one made the group offline and registers it on connect. */
export class BenchGroup {
	readonly writer: BenchClient;
	readonly readers: BenchClient[] = [];
	private readonly actor: Actor;
	private itemId: string;
	private seq = 0;

	constructor(providerUrl: string, plan: GroupPlan, clients: number) {
		this.writer = new BenchClient(plan.writerUrl ?? providerUrl, plan.groupId, plan.firstParams);
		for (let i = 1; i < clients; i++) {
			const readerUrl = plan.readerUrls ? plan.readerUrls[(i - 1) % plan.readerUrls.length] : providerUrl;
			this.readers.push(new BenchClient(readerUrl, plan.groupId, plan.otherParams));
		}
		this.actor = { memberId: `writer-${plan.groupId.slice(0, 8)}` };
		createGroup(this.writer.doc, this.actor, { name: `Bench group ${plan.groupId.slice(0, 8)}`, member: { name: 'Writer', color: '#336699' } });
		this.itemId = addItem(this.writer.doc, this.actor, {
			url: `https://bench.example/${plan.groupId}/start`,
			title: 'Where the edits go',
			tags: ['bench']
		}).itemId;
	}

	/**
	 * One edit, sent as one update: a note whose text carries its send time; every 20th edit first
	 * saves a new page in the same transaction, as a member bookmarking and commenting at once.
	 */
	edit(): void {
		const seq = this.seq++;
		this.writer.doc.transact(() => {
			if (seq > 0 && seq % 20 === 0) {
				this.itemId = addItem(this.writer.doc, this.actor, { url: `https://bench.example/page/${seq}`, title: `Page ${seq}`, tags: ['bench', `t${seq % 7}`] }).itemId;
			}
			addNote(this.writer.doc, this.actor, this.itemId, { text: `${NOTE_PREFIX}${seq} ${clock()} — a note of ordinary length about the page above.` });
		}, this.actor);
	}

	get sent(): number {
		return this.seq;
	}

	destroy(): void {
		this.writer.destroy();
		for (const reader of this.readers) reader.destroy();
	}
}
