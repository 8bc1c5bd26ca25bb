// Imports and exports off the page's thread: reads and checks a chosen file against the group's
// outline (its preview), and writes an export from a copy of the group read from browser storage.
// Nothing here changes the group; the page applies the checked plan where its document lives.
import * as Y from 'yjs';
import { serve } from '$lib/workers/rpc';
import { hasGroup } from '$lib/model';
import { createIdbUpdateLog } from '$lib/storage/idb-update-log';
import {
	assertImportable,
	checkImportSize,
	exportGroup,
	planImport,
	previewAgainst,
	withoutPrivate,
	type ExportFormat,
	type GroupOutline,
	type ImportPlan,
	type ImportPreview
} from '$lib/interchange';

/** The file read and checked, kept here until the member imports it or chooses another. */
let pending: { plan: ImportPlan } | null = null;

export const handlers = {
	/** Reads and checks the file; the preview says what importing it would do to the group. */
	async preview(file: File, group: GroupOutline): Promise<ImportPreview> {
		pending = null;
		checkImportSize(file.size);
		const plan = planImport({ name: file.name, text: await file.text() });
		assertImportable(plan, file.name);
		pending = { plan };
		return previewAgainst(group, plan);
	},
	/** The checked plan to apply, with or without the bookmarks the file marks private. */
	plan(leavePrivateOut: boolean): { plan: ImportPlan; leftOut: number } {
		if (!pending) throw new Error('Choose the file to import again.');
		const plan = leavePrivateOut ? withoutPrivate(pending.plan) : pending.plan;
		const leftOut = pending.plan.items.length - plan.items.length;
		pending = null;
		return { plan, leftOut };
	},
	/**
	 * The group's file in `format`, written from a copy of its document: what this browser stored of
	 * the group (the page has written every change first), or the update the page sent. Null when
	 * nothing of the group is stored.
	 */
	async export(from: { groupId: string } | { update: Uint8Array }, format: ExportFormat): Promise<{ blob: Blob; filename: string } | null> {
		const doc = new Y.Doc();
		try {
			if ('update' in from) Y.applyUpdate(doc, from.update);
			else {
				const stored = await createIdbUpdateLog().load(from.groupId);
				doc.transact(() => {
					for (const entry of stored) Y.applyUpdate(doc, entry.update);
				});
			}
			if (!hasGroup(doc)) return null;
			const file = exportGroup(doc, format);
			return { blob: new Blob([file.body], { type: file.contentType }), filename: file.filename };
		} finally {
			doc.destroy();
		}
	}
};

serve(handlers, self as unknown as Parameters<typeof serve>[1]);
