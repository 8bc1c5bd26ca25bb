// `npm start -- --demo`: stores the sample group "Tic&Travail" (the reference page's ten items, their
// highlights and notes) on first use, and issues an owner token so the operator can open it.
import type { Database } from 'better-sqlite3';
import * as Y from 'yjs';
import { GroupAccess } from './auth/access.ts';
import type { RelayConfig } from './config.ts';
import { createSqliteStore } from './persistence/sqlite.ts';

export const DEMO_GROUP_ID = 'sample-tic-travail';

interface SampleModule {
	buildSampleGroup(doc: Y.Doc): { name: string };
}

/**
 * The sample is app code written with SvelteKit's `$lib` alias, which tsx resolves at run time from
 * tsconfig.json but the relay's type check does not; so it is loaded by a path the checker skips.
 */
async function loadSample(): Promise<SampleModule> {
	// The relay's bundle carries the sample as an entry of its own, beside main.mjs.
	const path = import.meta.url.endsWith('.ts') ? '../src/lib/demo/sample.ts' : './demo-sample.mjs';
	try {
		return (await import(path)) as SampleModule;
	} catch (error) {
		throw new Error(
			`The sample group could not be loaded (${error instanceof Error ? error.message : String(error)}). Run \`npm run build\` once, then start again.`
		);
	}
}

/** Makes sure the sample group is stored and returns a fresh owner token for it. */
export async function seedDemoGroup(db: Database, config: RelayConfig): Promise<{ groupId: string; token: string; created: boolean }> {
	const access = new GroupAccess(db, config);
	if (access.store.group(DEMO_GROUP_ID)) {
		const { token } = access.createInvite(DEMO_GROUP_ID, 'owner', 'Opened with --demo');
		return { groupId: DEMO_GROUP_ID, token, created: false };
	}
	const doc = new Y.Doc({ guid: DEMO_GROUP_ID });
	const info = (await loadSample()).buildSampleGroup(doc);
	const store = createSqliteStore(db);
	try {
		await store.append(DEMO_GROUP_ID, Y.encodeStateAsUpdate(doc));
	} finally {
		await store.close();
	}
	doc.destroy();
	const { token } = access.registerGroup(DEMO_GROUP_ID, info.name);
	return { groupId: DEMO_GROUP_ID, token, created: true };
}
