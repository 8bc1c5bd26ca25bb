// Turns character offsets into line numbers, so errors and skipped entries can name their line.

export function lineLocator(text: string): (offset: number) => number {
	let starts: number[] | null = null;
	return (offset) => {
		if (!starts) {
			starts = [0];
			for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
		}
		let lo = 0;
		let hi = starts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (starts[mid] <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo + 1;
	};
}
