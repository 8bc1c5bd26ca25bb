// Messages between the load driver (bench/load/driver.ts) and its client worker processes.

export interface GroupPlan {
	groupId: string;
	/** Query parameters of the group's first client (it creates the group) and of the others. */
	firstParams: Record<string, string>;
	otherParams: Record<string, string>;
	/** Whether the group's writer edits under load (false: its clients stay idle throughout). */
	writes: boolean;
	/** Several relay processes (a cluster): the writer's, and each reader's in turn; else the one server's. */
	writerUrl?: string;
	readerUrls?: string[];
}

export type DriverMessage =
	| { type: 'connect'; providerUrl: string; groups: GroupPlan[]; clientsPerGroup: number; window: number; timeoutMs: number }
	| { type: 'load'; ratePerGroup: number; durationMs: number; drainMs: number }
	| { type: 'close' };

export type WorkerMessage =
	| { type: 'ready' }
	| { type: 'connected'; syncMs: number; clients: number; failed: number; firstError: string | null }
	| { type: 'loaded'; sent: number; delivered: number; expected: number; sendMs: number; workerCpuPercent: number; latenciesMs: number[] }
	| { type: 'closed' };
