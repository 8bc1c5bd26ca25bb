// The results table: one row per figure, Commonplace beside the reference and their ratio, printed
// for the terminal and as Markdown for BENCHMARKS.md.

export interface Row {
	/** A heading row when only `label` is set. */
	label: string;
	commonplace?: number | string;
	reference?: number | string;
	unit?: string;
	/** Which way is better, for reading the ratio. */
	better?: 'lower' | 'higher';
}

function show(value: number | string | undefined): string {
	if (value === undefined) return '';
	if (typeof value === 'string') return value;
	if (!Number.isFinite(value)) return 'n/a';
	const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
	return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Commonplace / reference, when both are numbers. */
export function ratio(row: Row): string {
	const { commonplace: c, reference: r } = row;
	if (typeof c !== 'number' || typeof r !== 'number' || !Number.isFinite(c) || !Number.isFinite(r) || r === 0) return '';
	return `${(c / r).toFixed(2)}×`;
}

function cells(row: Row): string[] {
	if (row.commonplace === undefined && row.reference === undefined) return [row.label, '', '', '', '', ''];
	return [row.label, show(row.commonplace), row.reference === undefined ? '—' : show(row.reference), ratio(row), row.unit ?? '', row.better ?? ''];
}

const HEAD = ['figure', 'Commonplace', 'reference', 'C/R', 'unit', 'better'];

export function textTable(rows: Row[]): string {
	const all = [HEAD, ...rows.map(cells)];
	const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
	const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
	return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((row) => (row.commonplace === undefined && row.reference === undefined ? `\n${row.label}` : line(cells(row))))].join('\n');
}

export function markdownTable(rows: Row[]): string {
	const escape = (c: string) => c.replaceAll('|', '\\|');
	const out = [`| ${HEAD.join(' | ')} |`, '| --- | ---: | ---: | ---: | --- | --- |'];
	for (const row of rows) {
		if (row.commonplace === undefined && row.reference === undefined) out.push(`| **${escape(row.label)}** | | | | | |`);
		else out.push(`| ${cells(row).map(escape).join(' | ')} |`);
	}
	return out.join('\n');
}
