// The relay's counters and gauges, rendered as Prometheus text for GET /metrics.

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
	const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`);
	return parts.length ? `{${parts.join(',')}}` : '';
}

class Family {
	readonly values = new Map<string, number>();
	constructor(
		readonly name: string,
		readonly help: string,
		readonly type: 'counter' | 'gauge'
	) {}
	/** Label texts of label objects passed again and again (one per message kind, say). */
	readonly #keys = new WeakMap<Labels, string>();
	// Counted for every message sent and received: without labels, or with the same labels object
	// as before, nothing is allocated.
	add(amount = 1, labels?: Labels): void {
		let key = '';
		if (labels) {
			const known = this.#keys.get(labels);
			if (known === undefined) this.#keys.set(labels, (key = labelText(labels)));
			else key = known;
		}
		this.values.set(key, (this.values.get(key) ?? 0) + amount);
	}
	set(value: number, labels?: Labels): void {
		this.values.set(labels ? labelText(labels) : '', value);
	}
	get(labels?: Labels): number {
		return this.values.get(labels ? labelText(labels) : '') ?? 0;
	}
	render(): string[] {
		const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
		if (this.values.size === 0 && this.type === 'gauge') lines.push(`${this.name} 0`);
		for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`);
		return lines;
	}
}

/** A latency histogram in seconds with fixed buckets. */
class Histogram {
	private readonly counts: number[];
	private sum = 0;
	private count = 0;
	constructor(
		readonly name: string,
		readonly help: string,
		readonly buckets: readonly number[]
	) {
		this.counts = buckets.map(() => 0);
	}
	observe(seconds: number): void {
		this.sum += seconds;
		this.count += 1;
		for (let i = 0; i < this.buckets.length; i++) if (seconds <= this.buckets[i]) this.counts[i] += 1;
	}
	render(): string[] {
		const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
		this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket{le="${le}"} ${this.counts[i]}`));
		lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
		return lines;
	}
}

export function createMetrics() {
	const metrics = {
		connections: new Family('relay_connections', 'Open WebSocket connections.', 'gauge'),
		connectionsOpened: new Family('relay_connections_opened_total', 'WebSocket connections accepted.', 'counter'),
		connectionsClosed: new Family('relay_connections_closed_total', 'WebSocket connections closed, by close code.', 'counter'),
		roomsLoaded: new Family('relay_rooms_loaded', 'Groups currently loaded in memory.', 'gauge'),
		roomLoads: new Family('relay_room_loads_total', 'Groups loaded from storage.', 'counter'),
		roomUnloads: new Family('relay_room_unloads_total', 'Idle groups unloaded from memory.', 'counter'),
		messagesIn: new Family('relay_messages_in_total', 'Messages received, by kind.', 'counter'),
		bytesIn: new Family('relay_bytes_in_total', 'Bytes received in WebSocket messages.', 'counter'),
		messagesOut: new Family('relay_messages_out_total', 'Messages sent.', 'counter'),
		bytesOut: new Family('relay_bytes_out_total', 'Bytes sent in WebSocket messages.', 'counter'),
		updatesIn: new Family('relay_updates_in_total', 'Document updates accepted and stored.', 'counter'),
		updatesOut: new Family('relay_updates_out_total', 'Document updates passed on to peers.', 'counter'),
		refusals: new Family('relay_refusals_total', 'Requests or connections refused, by reason.', 'counter'),
		syncAnswersHeld: new Family('relay_sync_answers_held_total', 'Sync step 1 messages held until a big answer to the same connection was written.', 'counter'),
		answersFromStorage: new Family('relay_sync_answers_from_storage_total', 'First sync answers sent from storage while the group\'s doc was still being built.', 'counter'),
		awarenessDeferred: new Family('relay_awareness_deferred_total', 'Presence messages held back past their connection\'s allowance.', 'counter'),
		compactions: new Family('relay_compactions_total', 'Update logs compacted into snapshots.', 'counter'),
		eventLoopDelayMax: new Family(
			'relay_event_loop_delay_max_seconds',
			'Longest the event loop was held (nothing else served) since the previous scrape of /metrics (measured from the first scrape on).',
			'gauge'
		),
		persistenceErrors: new Family('relay_persistence_errors_total', 'Failed storage writes.', 'counter'),
		writeSeconds: new Histogram('relay_persistence_write_seconds', 'Time to store one update durably.', [
			0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
		])
	};
	return {
		...metrics,
		render(): string {
			return `${Object.values(metrics)
				.flatMap((m) => m.render())
				.join('\n')}\n`;
		}
	};
}

export type Metrics = ReturnType<typeof createMetrics>;
