// Draws a page's highlights with the CSS Custom Highlight API: no element is added to the page, so
// its scripts and styles cannot move or restyle them, and drawing 500 of them is one pass.
import { anchorPassage, type AnchorMethod } from '../anchoring/anchor';
import { buildTextMap, rangeFor } from '../anchoring/text-map';
import type { PageHighlight } from '../messages';
import { highlightName, highlightRule } from './palette';

export interface Painted {
	id: string;
	range: Range;
	/** The text the range held when drawn, to notice when the page changed under it. */
	text: string;
	method: AnchorMethod;
}

export interface PaintResult {
	painted: Map<string, Painted>;
	orphans: string[];
}

/** The document's highlight registry, a maplike that TypeScript's DOM types do not fully describe. */
function registry(): Map<string, Highlight> {
	return CSS.highlights as unknown as Map<string, Highlight>;
}

export class Painter {
	private readonly sheet: CSSStyleSheet | null;
	private names = new Set<string>();

	constructor(private readonly doc: Document = document) {
		try {
			this.sheet = new CSSStyleSheet();
		} catch {
			this.sheet = null;
		}
	}

	get supported(): boolean {
		return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight === 'function';
	}

	paint(highlights: readonly PageHighlight[], skip: Node | null): PaintResult {
		const painted = new Map<string, Painted>();
		const orphans: string[] = [];
		const root = this.doc.body ?? this.doc.documentElement;
		const map = highlights.length > 0 && root ? buildTextMap(root, skip) : null;
		const byName = new Map<string, { color: string; builtIn: boolean; ranges: Range[] }>();
		for (const h of highlights) {
			const found = map ? anchorPassage(map.text, h) : null;
			const range = found && map ? rangeFor(map, found.start, found.end) : null;
			if (!found || !range || !map) {
				orphans.push(h.id);
				continue;
			}
			painted.set(h.id, { id: h.id, range, text: map.text.slice(found.start, found.end), method: found.method });
			const { name, builtIn } = highlightName(h.color);
			const entry = byName.get(name) ?? { color: h.color, builtIn, ranges: [] };
			entry.ranges.push(range);
			byName.set(name, entry);
		}
		if (this.supported) this.draw(byName);
		return { painted, orphans };
	}

	private draw(byName: Map<string, { color: string; builtIn: boolean; ranges: Range[] }>): void {
		for (const name of this.names) if (!byName.has(name)) registry().delete(name);
		const rules: string[] = [];
		for (const [name, { color, builtIn, ranges }] of byName) {
			registry().set(name, new Highlight(...ranges));
			if (!builtIn) rules.push(highlightRule(name, color));
		}
		this.names = new Set(byName.keys());
		if (this.sheet && rules.length > 0) {
			this.sheet.replaceSync(rules.join('\n'));
			const sheets = this.doc.adoptedStyleSheets;
			if (!sheets.includes(this.sheet)) this.doc.adoptedStyleSheets = [...sheets, this.sheet];
		}
	}

	clear(): void {
		if (this.supported) for (const name of this.names) registry().delete(name);
		this.names.clear();
	}
}
