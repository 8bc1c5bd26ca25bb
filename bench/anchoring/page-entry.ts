// Runs inside the benchmark's page: the extension's own anchoring and drawing code, timed.
import { describePassage } from '../../extension/src/anchoring/selector';
import { buildTextMap } from '../../extension/src/anchoring/text-map';
import type { PageHighlight } from '../../extension/src/messages';
import type { BenchPage } from './page-api';
import { Painter } from '../../extension/src/content/painter';

const COLORS = ['#c0392b', '#8e44ad', '#2471a3', '#117a65', '#b9770e'];

const bench = window as unknown as BenchPage;

bench.benchDescribe = (count, seed) => {
	const map = buildTextMap(document.body);
	const out: PageHighlight[] = [];
	let x = seed;
	const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
	const step = Math.floor(map.text.length / count);
	for (let i = 0; i < count; i++) {
		const start = i * step + Math.floor(random() * (step / 2));
		const selector = describePassage(map.text, start, start + 40 + Math.floor(random() * 160));
		if (selector) out.push({ ...selector, id: `h${i}`, color: COLORS[i % COLORS.length], memberName: 'Bench' });
	}
	return out;
};

bench.benchDraw = async (highlights) => {
	const painter = new Painter();
	painter.clear();
	const began = performance.now();
	const result = painter.paint(highlights, null);
	const drawMs = performance.now() - began;
	// Until the browser has painted the frame with the highlights in it.
	await new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
	const frameMs = performance.now() - began;
	const methods: Record<string, number> = {};
	for (const p of result.painted.values()) methods[p.method] = (methods[p.method] ?? 0) + 1;
	return { drawMs, frameMs, drawn: result.painted.size, orphans: result.orphans.length, methods };
};
