// `npm start -- --demo`: stores the sample group "Tic&Travail" (the reference page's ten items, their
// highlights and notes) on first use, and issues an owner token so the operator can open it. Works
// on the single relay's SQLite database and on a cluster's PostgreSQL alike.
import * as Y from 'yjs';
import { GroupAccess } from './auth/access.ts';
import type { RelayConfig } from './config.ts';
import type { RelayStorage } from './storage.ts';

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
export async function seedDemoGroup(storage: Pick<RelayStorage, 'tokens' | 'store'>, config: RelayConfig): Promise<{ groupId: string; token: string; created: boolean }> {
	const access = new GroupAccess(storage.tokens, config);
	const existing = () => ({ groupId: DEMO_GROUP_ID, token: access.createInvite(DEMO_GROUP_ID, 'owner', 'Opened with --demo').token, created: false });
	if (access.store.group(DEMO_GROUP_ID)) return existing();
	const sample = await loadSample();
	const doc = new Y.Doc({ guid: DEMO_GROUP_ID });
	const info = sample.buildSampleGroup(doc);
	let token: string;
	try {
		// The group's row first: of cluster processes started together with --demo, one registers it
		// and stores the sample; the others find it registered (the sample is never stored twice).
		token = access.registerGroup(DEMO_GROUP_ID, info.name).token;
	} catch (error) {
		if (access.store.group(DEMO_GROUP_ID)) return existing();
		throw error;
	}
	await storage.store.append(DEMO_GROUP_ID, Y.encodeStateAsUpdate(doc));
	doc.destroy();
	return { groupId: DEMO_GROUP_ID, token, created: true };
}
