// Anchoring figures: 500 highlights on a 1 MB article in headless Chromium, drawn by the extension's
// own code, on the page as it was highlighted and after an edit (a paragraph added at the top, one
// passage in twenty reworded), which sends every highlight to the quote search and some to fuzzy.
import { build } from 'esbuild';
import { join } from 'node:path';
import { seededRandom } from '../../src/lib/model/testing';
import { launchBrowser } from '../../tests/helpers/browser';
import { round } from '../stats';
import type { BenchPage, DrawFigures } from './page-api';

export interface AnchoringRun {
	/** Anchoring every highlight and handing the ranges to the browser, median of the runs. */
	drawMs: number;
	/** Until the next frame with the highlights painted, median. */
	frameMs: number;
	drawn: number;
	orphans: number;
	methods: Record<string, number>;
}

export interface AnchoringFigures {
	pageBytes: number;
	highlights: number;
	runs: number;
	unchanged: AnchoringRun;
	edited: AnchoringRun;
}

const WORDS = 'the of and a to in is was that for on as with by he at from his an were are which this be or has had not but their one its first new after who they have two been her she more when also other into time there all would over only year some can most years three may people during about between later these many city world war part where being made both under state school while family such since'.split(' ');

/** An article of about `bytes` of text: headings and paragraphs of seeded words. */
export function articleHtml(bytes: number, seed = 7): string {
	const random = seededRandom(seed);
	const parts: string[] = ['<!doctype html><html><head><meta charset="utf-8"><title>A long article</title></head><body><article>'];
	let size = 0;
	let n = 0;
	while (size < bytes) {
		if (n % 12 === 0) parts.push(`<h2>Section ${n / 12 + 1}</h2>`);
		const words: string[] = [];
		for (let i = 0; i < 90; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
		const text = `${words.join(' ')} (${n}).`;
		parts.push(`<p>${text}</p>`);
		size += text.length + 7;
		n++;
	}
	parts.push('</article></body></html>');
	return parts.join('\n');
}

async function pageScript(): Promise<string> {
	const result = await build({
		entryPoints: [join(import.meta.dirname, 'page-entry.ts')],
		bundle: true,
		write: false,
		format: 'iife',
		target: 'chrome116',
		alias: { $lib: join(import.meta.dirname, '../../src/lib') },
		logLevel: 'error'
	});
	return result.outputFiles[0].text;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

export async function measureAnchoring(options: { bytes?: number; highlights?: number; runs?: number } = {}): Promise<AnchoringFigures> {
	const bytes = options.bytes ?? 1_000_000;
	const count = options.highlights ?? 500;
	const runs = options.runs ?? 5;
	const script = await pageScript();
	const html = articleHtml(bytes);
	const browser = await launchBrowser();
	try {
		const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
		await page.setContent(html);
		await page.addScriptTag({ content: script });
		const highlights = await page.evaluate((n) => (window as unknown as BenchPage).benchDescribe(n, 11), count);
		const measure = async (): Promise<AnchoringRun> => {
			const results: DrawFigures[] = [];
			for (let i = 0; i < runs; i++) results.push(await page.evaluate((hs) => (window as unknown as BenchPage).benchDraw(hs), highlights));
			const last = results[results.length - 1];
			return { drawMs: round(median(results.map((r) => r.drawMs))), frameMs: round(median(results.map((r) => r.frameMs))), drawn: last.drawn, orphans: last.orphans, methods: last.methods };
		};
		const unchanged = await measure();
		// The edit: a paragraph at the top moves every passage; one in twenty has a word changed.
		await page.evaluate((hs) => {
			const p = document.createElement('p');
			p.textContent = 'Editor’s note: this article was updated with new figures. '.repeat(4);
			document.body.prepend(p);
			const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			const nodes: Text[] = [];
			for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
			hs.forEach((h, i) => {
				if (i % 20 !== 0) return;
				const word = h.exact.split(' ').find((w) => w.length > 3);
				if (!word) return;
				const node = nodes.find((t) => t.data.includes(h.exact));
				if (node) node.data = node.data.replace(h.exact, h.exact.replace(word, word.toUpperCase() + 's'));
			});
		}, highlights);
		const edited = await measure();
		return { pageBytes: html.length, highlights: highlights.length, runs, unchanged, edited };
	} finally {
		await browser.close();
	}
}
