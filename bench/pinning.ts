// Keeps the server and the load apart on a 2-core machine: the server on core 0, clients on core 1,
// through `taskset` when it exists (otherwise processes run unpinned and the results say so).
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function hasTaskset(): boolean {
	try {
		execFileSync('taskset', ['-V'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

export const PINNING = availableParallelism() >= 2 && hasTaskset();

const CORE = { server: '0', load: '1' } as const;

/** The command and arguments that run `command args` on the given role's core. */
export function pinned(role: keyof typeof CORE, command: string, args: string[]): [string, string[]] {
	return PINNING ? ['taskset', ['-c', CORE[role], command, ...args]] : [command, args];
}
