// What the operator reads when the relay cannot start: the cause in words and what to do, no stack trace.
import type { RelayConfig } from './config.ts';
import { errorText } from './log.ts';

/** The address is taken or not allowed: say so, and how to choose another port. */
export function describeStartupError(error: unknown, config: Pick<RelayConfig, 'host' | 'port'>): string {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	const next = config.port > 0 && config.port < 65_535 ? config.port + 1 : 8081;
	const howToPick = `Pick another port: PORT=${next} npm start (or npm start -- --port ${next}); --port 0 lets the system choose a free one.`;
	if (code === 'EADDRINUSE') {
		return `The relay could not start: port ${config.port} on ${config.host} is already in use (another relay, or another program, listens there). ${howToPick}`;
	}
	if (code === 'EACCES') {
		return `The relay could not start: this system does not let it listen on port ${config.port} of ${config.host}. ${howToPick}`;
	}
	if (code === 'EADDRNOTAVAIL') {
		return `The relay could not start: ${config.host} is not an address of this machine. Choose another one with HOST=127.0.0.1 npm start (or --host).`;
	}
	return `The relay could not start: ${errorText(error)}`;
}
