// Structured logs: one JSON object a line on stdout. Callers pass facts (ids, counts, codes), never
// tokens or message contents.
import type { LogLevel } from './config.ts';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
	debug(msg: string, fields?: LogFields): void;
	info(msg: string, fields?: LogFields): void;
	warn(msg: string, fields?: LogFields): void;
	error(msg: string, fields?: LogFields): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
	const at = (lineLevel: Exclude<LogLevel, 'silent'>) => (msg: string, fields: LogFields = {}) => {
		if (rank[lineLevel] < rank[level]) return;
		write(`${JSON.stringify({ msg, ...fields, level: lineLevel, time: new Date().toISOString() })}\n`);
	};
	return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The message of an unknown thrown value, for a log field. */
export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
