// The history thread: replays a group's history and builds timelines and versions, so a big
// group's replay never holds the relay's event loop. One request at a time, in order. The last few
// groups' replays are kept (TimelineCache), so a group read again replays only what came since.
import { workerData } from 'node:worker_threads';
import { TimelineCache } from '../../src/lib/history/cache.ts';
import { unpackHistory } from '../../src/lib/history/packed.ts';
import { versionAt } from '../../src/lib/history/timeline.ts';
import { answerRequests } from '../persistence/answer-requests.ts';
import type { HistoryRequest, HistoryWorkerData } from './thread.ts';

const cache = new TimelineCache((workerData as HistoryWorkerData).cachedGroups);

function handle(message: HistoryRequest): unknown {
	switch (message.op) {
		case 'timeline': {
			const timeline = cache.update(message.groupId, message.input);
			return timeline ? { page: timeline.page(message.query), mark: cache.mark(message.groupId) } : null;
		}
		case 'version':
			return versionAt(unpackHistory(message.input), message.itemId, message.seq);
		case 'forget':
			cache.forget(message.groupId);
			return null;
		case 'cached':
			return cache.size;
	}
}

answerRequests(handle);
