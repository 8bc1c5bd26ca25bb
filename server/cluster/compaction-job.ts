// The cluster's compaction job: any relay process (and `npm run worker`) looks for groups whose
// log is worth folding into their snapshot; the group's advisory lock lets one process at a time do it.
import { errorText, type Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { needsCompaction, type CompactionLimits } from '../persistence/compaction.ts';
import type { ClusterRoomStore } from './room-store.ts';

export interface CompactionJob {
	/** One pass over the groups; resolves with how many this process compacted. */
	runOnce(): Promise<number>;
	stop(): void;
}

export function startCompactionJob(store: ClusterRoomStore, limits: CompactionLimits & { compactionIntervalMs: number }, log: Logger, metrics?: Metrics): CompactionJob {
	let running: Promise<number> | null = null;
	let stopped = false;
	const runOnce = (): Promise<number> => {
		running ??= (async () => {
			let compacted = 0;
			try {
				const candidates = await store.groupsWithLogs(Math.min(limits.compactAfterUpdates, 1), 0);
				for (const { groupId, size } of candidates) {
					if (stopped) break;
					if (!needsCompaction(size, limits)) continue;
					try {
						const outcome = await store.compactGroup(groupId);
						if (outcome.skipped) continue;
						compacted++;
						metrics?.compactions.add();
						log.debug('group compacted by the job', { groupId, bytes: outcome.size.totalBytes, trimmed: outcome.trimmed });
					} catch (error) {
						metrics?.persistenceErrors.add();
						log.error('compaction failed', { groupId, error: errorText(error) });
					}
				}
			} catch (error) {
				log.warn('compaction job could not list groups', { error: errorText(error) });
			} finally {
				running = null;
			}
			return compacted;
		})();
		return running;
	};
	const timer = limits.compactionIntervalMs > 0 ? setInterval(() => void runOnce(), limits.compactionIntervalMs) : null;
	timer?.unref();
	return {
		runOnce,
		stop() {
			stopped = true;
			if (timer) clearInterval(timer);
		}
	};
}
