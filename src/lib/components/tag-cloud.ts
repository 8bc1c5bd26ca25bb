// Sizes of a weighted tag cloud: each tag gets a level from 1 (least used) to `levels` (most used),
// on a logarithmic scale so one very common tag does not shrink all the others to the same size.
import type { TagCount } from '$lib/model';

export interface CloudTag extends TagCount {
	level: number;
}

/** The tags with their level, in alphabetical order (the order a cloud reads in). */
export function cloudLevels(tags: readonly TagCount[], levels = 5): CloudTag[] {
	if (tags.length === 0) return [];
	const logs = tags.map((t) => Math.log(Math.max(1, t.count)));
	const min = Math.min(...logs);
	const max = Math.max(...logs);
	return tags
		.map((t, i) => ({ ...t, level: max === min ? 1 : 1 + Math.round(((logs[i] - min) / (max - min)) * (levels - 1)) }))
		.sort((a, b) => a.tag.localeCompare(b.tag));
}
