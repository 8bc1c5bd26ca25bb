// The page's text as one string, with a map back to its text nodes, so passages found in the string
// become DOM ranges. One pass over the document; a binary search per range.

/** Elements whose text is never shown as the page's text. */
export const SKIPPED_ELEMENTS: ReadonlySet<string> = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);

export interface TextMap {
	readonly text: string;
	readonly nodes: Text[];
	/** Offset in `text` where each node starts. */
	readonly starts: number[];
}

/** Every text node under `root` in document order, except inside `skip` (the extension's own UI). */
export function buildTextMap(root: Node, skip?: Node | null): TextMap {
	const doc = root.ownerDocument ?? (root as Document);
	const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
		acceptNode(node) {
			if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
			if (node === skip || SKIPPED_ELEMENTS.has((node as Element).tagName)) return NodeFilter.FILTER_REJECT;
			return NodeFilter.FILTER_SKIP;
		}
	});
	const nodes: Text[] = [];
	const starts: number[] = [];
	const parts: string[] = [];
	let offset = 0;
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		const value = (node as Text).data;
		if (!value) continue;
		nodes.push(node as Text);
		starts.push(offset);
		parts.push(value);
		offset += value.length;
	}
	return { text: parts.join(''), nodes, starts };
}

/** The index of the node holding `offset` (a node ending at `offset` when `atEnd`). */
function nodeAt(map: TextMap, offset: number, atEnd: boolean): number {
	let lo = 0;
	let hi = map.starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		const start = map.starts[mid];
		if (start < offset || (!atEnd && start === offset)) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}

/** A live range over `text[start, end)`; null when the map is empty or the span is outside it. */
export function rangeFor(map: TextMap, start: number, end: number): Range | null {
	if (map.nodes.length === 0 || start < 0 || end > map.text.length || end <= start) return null;
	const a = nodeAt(map, start, false);
	const b = nodeAt(map, end, true);
	const range = map.nodes[a].ownerDocument.createRange();
	range.setStart(map.nodes[a], start - map.starts[a]);
	range.setEnd(map.nodes[b], end - map.starts[b]);
	return range;
}

/** The offsets of a range's boundaries in the map's text; null when it lies outside the mapped nodes. */
export function offsetsOf(map: TextMap, range: Range): { start: number; end: number } | null {
	const point = (container: Node, offset: number, isEnd: boolean): number | null => {
		if (container.nodeType === Node.TEXT_NODE) {
			const i = indexOfNode(map, container as Text);
			return i === -1 ? null : map.starts[i] + offset;
		}
		// A boundary between elements: the first text at or after it (before it, for an end).
		const doc = container.ownerDocument ?? (container as Document);
		const probe = doc.createRange();
		probe.setStart(container, offset);
		probe.collapse(true);
		if (isEnd) {
			// The last text that starts before the boundary lies wholly before it.
			for (let i = map.nodes.length - 1; i >= 0; i--) {
				if (probe.comparePoint(map.nodes[i], 0) <= 0) return map.starts[i] + map.nodes[i].length;
			}
			return 0;
		}
		for (let i = 0; i < map.nodes.length; i++) {
			if (probe.comparePoint(map.nodes[i], map.nodes[i].length) >= 0) return map.starts[i];
		}
		return map.text.length;
	};
	const start = point(range.startContainer, range.startOffset, false);
	const end = point(range.endContainer, range.endOffset, true);
	if (start === null || end === null || end <= start) return null;
	return { start, end };
}

function indexOfNode(map: TextMap, node: Text): number {
	// Selections are rare and the node list is in document order: a linear scan is enough.
	return map.nodes.indexOf(node);
}
