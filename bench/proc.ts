// Reads a server process's CPU time and memory from /proc, so both servers are measured the same way
// from outside, without any help from their code.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name may hold spaces; the fields after its closing parenthesis are fixed.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const utime = Number(fields[11]);
	const stime = Number(fields[12]);
	return (utime + stime) / CLOCK_TICKS;
}

function statusKb(pid: number, name: string): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const line = status.split('\n').find((l) => l.startsWith(name + ':'));
	return line ? Number(line.split(/\s+/)[1]) : 0;
}

/** Resident memory now, in MiB. */
export function rssMiB(pid: number): number {
	return statusKb(pid, 'VmRSS') / 1024;
}

/** The highest resident memory the process has had since it started, in MiB. */
export function peakRssMiB(pid: number): number {
	return statusKb(pid, 'VmHWM') / 1024;
}

/** Measures CPU share over a window: call `stop()` at its end. */
export function cpuWindow(pid: number): { stop(): number } {
	const startCpu = cpuSeconds(pid);
	const startWall = performance.now();
	return {
		stop() {
			const wall = (performance.now() - startWall) / 1000;
			return wall > 0 ? ((cpuSeconds(pid) - startCpu) / wall) * 100 : 0;
		}
	};
}
