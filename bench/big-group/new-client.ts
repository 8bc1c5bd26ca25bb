// A new member's client in a fresh process: connects to a group, waits for its first sync and prints
// how long it took and how many items arrived. A process of its own, so the figure is not slowed by
// the benchmark's own memory (it holds the whole big group). Run by bench/big-group/relay-figures.ts.
import { roots } from '../../src/lib/model';
import { BenchClient, clock } from '../load/group-clients';

const [providerUrl, groupId, paramsJson] = process.argv.slice(2);
const client = new BenchClient(providerUrl, groupId, JSON.parse(paramsJson) as Record<string, string>);
const start = clock();
await client.connect(300_000);
const ms = clock() - start;
const items = roots(client.doc).items.size;
client.destroy();
console.log(JSON.stringify({ ms, items }));
process.exit(0);
