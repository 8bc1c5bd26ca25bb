// Runs the operator CLI (`npm run admin`) as its own process on a relay's data folder (in cluster mode,
// on the cluster that stands for that folder).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { modeEnvironment } from './relay.ts';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

export interface AdminResult {
	code: number;
	stdout: string;
	stderr: string;
}

export async function runAdmin(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<AdminResult> {
	try {
		const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'server/admin.ts', ...args], {
			cwd: root,
			env: { ...process.env, DATA_DIR: dataDir, ...modeEnvironment(dataDir), ...env }
		});
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as AdminResult;
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}
