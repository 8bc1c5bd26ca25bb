// Imports a file into a group: recognises its format, reads and checks every entry first, then
// applies everything in one transaction, so a broken file changes nothing.
import type * as Y from 'yjs';
import type { Actor } from '../../model/index';
import { applyPlan, type ImportOptions } from './apply';
import { isBackup, planBackup } from './backup';
import { looksLikeCsv, planDiigoCsv } from './diigo-csv';
import { hypothesisAnnotations, planHypothesis } from './hypothesis';
import { parseJsonFile } from './json';
import { looksLikeNetscape, planNetscape } from './netscape';
import { ImportError, MAX_IMPORT_BYTES, type ImportPlan, type ImportSummary, type ProgressListener } from './types';
import { isWebAnnotation, planWebAnnotation } from './web-annotation';

export interface ImportedFile {
	name: string;
	text: string;
}

function megabytes(bytes: number): string {
	return `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;
}

/** Refuses a file before reading it when it is larger than imports allow. */
export function checkImportSize(bytes: number): void {
	if (bytes > MAX_IMPORT_BYTES) {
		throw new ImportError(
			'too-large',
			`This file is ${megabytes(bytes)}; imports are limited to ${megabytes(MAX_IMPORT_BYTES)}. Split it into smaller files and import them one by one.`
		);
	}
}

/** Reads and checks a file without touching any group. */
export function planImport(file: ImportedFile, onProgress?: ProgressListener): ImportPlan {
	// A string's length in UTF-16 units is at most its size in UTF-8 bytes, and close for most files.
	checkImportSize(file.text.length);
	const text = file.text.replace(/^\uFEFF/, '');
	if (!text.trim()) throw new ImportError('empty', `"${file.name}" is empty; there is nothing to import.`);
	const name = file.name.toLowerCase();
	onProgress?.({ phase: 'reading', done: 0, total: text.length });
	const trimmed = text.trimStart();
	if (/\.(json|jsonld)$/.test(name) || trimmed.startsWith('{') || trimmed.startsWith('[')) {
		const json = parseJsonFile(text, name.endsWith('.jsonld') ? 'JSON-LD' : 'JSON');
		if (isBackup(json)) return planBackup(json, onProgress);
		if (isWebAnnotation(json)) return planWebAnnotation(json, onProgress);
		const annotations = hypothesisAnnotations(json);
		if (annotations) return planHypothesis(annotations, onProgress);
		throw new ImportError(
			'unknown-format',
			`"${file.name}" is JSON, but not a Commonplace backup, a Hypothesis export or W3C Web Annotations.`
		);
	}
	if (looksLikeNetscape(text) || /\.html?$/.test(name)) return planNetscape(text, onProgress);
	if (looksLikeCsv(text) || name.endsWith('.csv')) return planDiigoCsv(text, onProgress);
	throw new ImportError(
		'unknown-format',
		`"${file.name}" is not a format Commonplace can import. Use browser bookmarks (HTML), a Diigo CSV export, a Hypothesis JSON export, W3C Web Annotations (JSON-LD) or a Commonplace backup.`
	);
}

/**
 * Imports a file into the group as `actor`. Throws an ImportError naming the line or entry when the
 * file cannot be imported; the group is then unchanged.
 */
export function importFile(doc: Y.Doc, actor: Actor, file: ImportedFile, onProgress?: ProgressListener, options: ImportOptions = {}): ImportSummary {
	return applyImport(doc, actor, planImport(file, onProgress), file.name, onProgress, options);
}

/** The second half of importFile, for callers that show a step between checking and saving. */
export function applyImport(doc: Y.Doc, actor: Actor, plan: ImportPlan, fileName: string, onProgress?: ProgressListener, options: ImportOptions = {}): ImportSummary {
	assertImportable(plan, fileName);
	return applyPlan(doc, actor, plan, onProgress, options);
}

/** Refuses a plan of which every entry was skipped, naming the first reason. */
export function assertImportable(plan: ImportPlan, fileName: string): void {
	if (plan.items.length === 0 && plan.skipped.length > 0) {
		const first = plan.skipped[0];
		throw new ImportError('empty', `Nothing in "${fileName}" could be imported (${first.where}: ${first.reason.replace(/\.$/, '')}).`);
	}
}

export { ImportError, MAX_IMPORT_BYTES };
export type { ImportOptions, ImportPlan, ImportSummary, ProgressListener };
