// Parses JSON files for import, naming the line and column of a syntax error.
import { lineLocator } from './lines';
import { ImportError } from './types';

export function parseJsonFile(file: string, what: string): unknown {
	const text = file.replace(/^\uFEFF/, '');
	try {
		return JSON.parse(text);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const offset = errorOffset(text, message);
		let where = '';
		if (offset !== null) {
			const line = lineLocator(text)(offset);
			const column = offset - text.lastIndexOf('\n', offset - 1);
			where = ` at line ${line}, column ${column}`;
		}
		throw new ImportError('malformed', `This ${what} file is not valid JSON${where}, so nothing was imported. (${message.replace(/ in JSON at position \d+.*$/, '').replace(/, (\.\.\.)?"[\s\S]*$/, '')})`);
	}
}

/** Where JSON.parse failed: its message gives a position, or a snippet around the bad character. */
function errorOffset(text: string, message: string): number | null {
	const position = /at position (\d+)/.exec(message);
	if (position) return Number(position[1]);
	if (/end of JSON input/i.test(message)) return text.length;
	const snippet = /Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON/.exec(message);
	if (!snippet) return null;
	const [, token, cutBefore, context] = snippet;
	const start = text.indexOf(context);
	if (start === -1) return null;
	// The engine shows ten characters either side of the bad one when the text is long.
	return cutBefore ? start + 10 : start + Math.max(0, context.indexOf(token));
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
	return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

export function asString(value: unknown): string {
	return typeof value === 'string' ? value : '';
}
