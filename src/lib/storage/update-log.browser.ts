// Entry point the browser tests bundle: runs the update log contract against real IndexedDB.
import { createIdbUpdateLog } from './idb-update-log';
import { runUpdateLogContract } from './update-log.contract';

export function runIdbUpdateLogContract(): Promise<{ passed: string[]; failed: string[] }> {
	let databases = 0;
	// A fresh database per case; each call of the returned function is one more "tab" on it.
	return runUpdateLogContract(async () => {
		const dbName = `commonplace-contract-${Date.now()}-${databases++}`;
		return () => createIdbUpdateLog({ dbName });
	});
}
