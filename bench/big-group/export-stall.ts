// How long the relay's event loop stands still while members download the big group's export, and
// how long each download takes: `npx tsx bench/big-group/export-stall.ts`. The relay's own monitor
// (`relay_event_loop_delay_max_seconds` on /metrics, reset by each scrape) gives the stall.
import { BIG_GROUP_RELAY_ENV, prepareBigGroup, upload } from './relay-figures';
import { startCommonplace } from '../servers';
import { clock } from '../load/group-clients';
import { metric } from './compaction-stall';

/** The longest stall since the last scrape, in ms (the monitor resets on each scrape). */
const stallMs = async (port: number) => (await metric(port, 'relay_event_loop_delay_max_seconds')) * 1000;

const group = await prepareBigGroup();
const relay = await startCommonplace({ env: BIG_GROUP_RELAY_ENV });
try {
	console.log('  uploading ...');
	await upload(relay, group.groupId, group.token, group.doc, group.size.items);
	await stallMs(relay.port);
	await new Promise((resolve) => setTimeout(resolve, 3_000));
	console.log(`  idle, 3 s: longest stall ${(await stallMs(relay.port)).toFixed(1)} ms`);
	for (const format of ['json', 'csv', 'json']) {
		const start = clock();
		const res = await fetch(`http://127.0.0.1:${relay.port}/api/groups/${group.groupId}/export?format=${format}`, { headers: { authorization: `Bearer ${group.token}` } });
		const bytes = (await res.arrayBuffer()).byteLength;
		const ms = clock() - start;
		console.log(`  export ${format}: ${res.status}, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${ms.toFixed(0)} ms; longest stall meanwhile ${(await stallMs(relay.port)).toFixed(1)} ms`);
	}
} finally {
	await relay.stop();
}
