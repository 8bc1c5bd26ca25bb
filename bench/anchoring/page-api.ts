// What the benchmark's page script (page-entry.ts) adds to the page's window.
import type { PageHighlight } from '../../extension/src/messages';

export interface DrawFigures {
	drawMs: number;
	frameMs: number;
	drawn: number;
	orphans: number;
	methods: Record<string, number>;
}

export interface BenchPage {
	benchDescribe(count: number, seed: number): PageHighlight[];
	benchDraw(highlights: PageHighlight[]): Promise<DrawFigures>;
}
