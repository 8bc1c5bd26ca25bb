// Quick interchange figures (`npx tsx bench/interchange-quick.ts`): importing a 10,000-bookmark
// Netscape file into an empty group, importing it again, exporting, and the relay's feed response
// time for a 10,000-item group. Prints one JSON line per figure.
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { exportGroup, importFile, renderFeed } from '../src/lib/interchange/index';
import { createGroup, type Actor } from '../src/lib/model/index';
import { connectMember, newToken, startTestRelay } from '../tests/helpers/relay';

const ITEMS = 10_000;
const RUNS = 3;
const FEED_REQUESTS = 40;

/** A Netscape file as a browser writes it: nested folders, TAGS, ADD_DATE, some descriptions. */
function netscapeFile(count: number): string {
	const lines = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>', '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">', '<TITLE>Bookmarks</TITLE>', '<H1>Bookmarks</H1>', '<DL><p>'];
	for (let folder = 0; folder < count / 100; folder++) {
		lines.push(`    <DT><H3 ADD_DATE="1600000000">Folder ${folder % 40}</H3>`, '    <DL><p>');
		for (let i = folder * 100; i < Math.min(count, (folder + 1) * 100); i++) {
			lines.push(`        <DT><A HREF="https://site${i % 500}.example.org/articles/${i}?ref=x" ADD_DATE="${1_600_000_000 + i * 60}" TAGS="topic${i % 97},kind${i % 7}">Article number ${i} &amp; its &lt;title&gt;</A>`);
			if (i % 3 === 0) lines.push(`        <DD>A description of article ${i}, long enough to look like the ones people write about a page.`);
		}
		lines.push('    </DL><p>');
	}
	lines.push('</DL><p>');
	return lines.join('\n') + '\n';
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const report = (figure: Record<string, unknown>) => console.log(JSON.stringify(figure));

function emptyGroup(guid: string): Y.Doc {
	const doc = new Y.Doc({ guid });
	createGroup(doc, { memberId: 'owner' }, { name: 'Bench group', member: { name: 'Owner', color: '#336699' } });
	return doc;
}

const file = { name: 'bookmarks.html', text: netscapeFile(ITEMS) };
const actor: Actor = { memberId: 'owner' };
const imports: number[] = [];
const reimports: number[] = [];
let doc!: Y.Doc;
for (let run = 0; run < RUNS; run++) {
	doc = emptyGroup(`bench-${run}`);
	let start = performance.now();
	const summary = importFile(doc, actor, file);
	imports.push(performance.now() - start);
	if (summary.added !== ITEMS) throw new Error(`expected ${ITEMS} items, got: ${summary.message}`);
	start = performance.now();
	const again = importFile(doc, actor, file);
	reimports.push(performance.now() - start);
	if (again.added !== 0 || again.merged !== 0) throw new Error(`the second import changed something: ${again.message}`);
}
report({ figure: 'netscape import, 10,000 bookmarks, empty group', fileMB: round(file.text.length / 1e6), medianMs: round(median(imports)), runsMs: imports.map(round) });
report({ figure: 'netscape re-import (no change)', medianMs: round(median(reimports)) });

for (const format of ['json', 'html', 'jsonld', 'csv'] as const) {
	const start = performance.now();
	const out = exportGroup(doc, format);
	report({ figure: `export ${format}, 10,000 items`, ms: round(performance.now() - start), MB: round(out.body.length / 1e6) });
}
{
	const times: number[] = [];
	for (let i = 0; i < 10; i++) {
		const start = performance.now();
		renderFeed(doc, 'rss', { origin: 'http://x', limit: 50 });
		times.push(performance.now() - start);
	}
	report({ figure: 'render RSS in process, 10,000 items', medianMs: round(median(times)) });
}

// The relay: upload the group once, then time feed requests over HTTP.
const relay = await startTestRelay({ maxPayloadBytes: 256 * 1024 * 1024 });
const groupId = `bench-${newToken().slice(0, 8)}`;
const token = newToken();
const upload = new Y.Doc({ guid: groupId });
Y.applyUpdate(upload, Y.encodeStateAsUpdate(doc));
const member = connectMember(relay.wsUrl, groupId, { token, create: true, doc: upload });
try {
	const deadline = Date.now() + 120_000;
	let links: { rss: string; atom: string } | null = null;
	while (!links) {
		if (Date.now() > deadline) throw new Error('the relay never registered the group');
		const res = await fetch(`${relay.url}/api/groups/${groupId}/feed`, { headers: { authorization: `Bearer ${token}` } });
		if (res.ok) links = (await res.json()) as { rss: string; atom: string };
		else await new Promise((r) => setTimeout(r, 50));
	}
	// Wait until the relay holds every item: the feed's newest entry is the file's last bookmark.
	for (;;) {
		if (Date.now() > deadline) throw new Error('the relay never received the whole group');
		const body = await (await fetch(`${relay.url}${links.rss}&limit=1`)).text();
		if (body.includes(`Article number ${ITEMS - 1} `)) break;
		await new Promise((r) => setTimeout(r, 50));
	}
	for (const [label, path] of [
		['rss', links.rss],
		['atom', links.atom],
		['rss ?limit=200', `${links.rss}&limit=200`],
		['rss ?tag=', `${links.rss}&tag=topic5`]
	] as const) {
		const times: number[] = [];
		let etag = '';
		let bytes = 0;
		for (let i = 0; i < FEED_REQUESTS; i++) {
			const start = performance.now();
			const res = await fetch(relay.url + path);
			const body = await res.text();
			times.push(performance.now() - start);
			etag = res.headers.get('etag') ?? '';
			bytes = body.length;
		}
		const notModified: number[] = [];
		for (let i = 0; i < FEED_REQUESTS; i++) {
			const start = performance.now();
			const res = await fetch(relay.url + path, { headers: { 'if-none-match': etag } });
			await res.text();
			if (res.status !== 304) throw new Error(`expected 304, got ${res.status}`);
			notModified.push(performance.now() - start);
		}
		report({
			figure: `relay feed ${label}, 10,000-item group`,
			KB: round(bytes / 1024),
			// The first request renders the feed; later ones are answered from the relay's cache until the group changes.
			firstMs: round(times[0]),
			medianMs: round(median(times)),
			p95Ms: round(percentile(times, 95)),
			notModifiedMedianMs: round(median(notModified))
		});
	}
} finally {
	member.destroy();
	await relay.stop();
}
