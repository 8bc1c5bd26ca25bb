// Reads a Commonplace JSON backup back into a group: every member's saves, highlights and notes keep
// their author, dates and ids, deleted ones go back to the trash, so the listing comes back identical.
import { LIMITS, cleanLine } from '../../model/index';
import { BACKUP_FORMAT, BACKUP_VERSION } from '../export/backup';
import { asArray, asString, isObject } from './json';
import { PlanBuilder, validTime, type RawHighlight, type RawNote } from './plan';
import { planConversations } from './backup-conversations';
import { ImportError, type ImportPlan, type ProgressListener } from './types';

const COLOR = /^#[0-9a-f]{6}$/i;

/** Views are restored one count at a time (about 10 µs each), so a backup restores at most this many. */
export const MAX_RESTORED_VIEWS = 200_000;

export function isBackup(json: unknown): boolean {
	return isObject(json) && json.format === BACKUP_FORMAT;
}

function memberIdAt(value: unknown, where: string): string {
	// eslint-disable-next-line no-control-regex
	if (typeof value !== 'string' || !value || value.length > 128 || /[\u0000-\u001f\ud800-\udfff]/.test(value)) {
		throw new ImportError('malformed', `In this backup, ${where} names no valid member, so nothing was imported.`);
	}
	return value;
}

function deletion(entry: Record<string, unknown>, where: string): { at: number; by: string } | null {
	if (entry.deletedAt === null || entry.deletedAt === undefined) return null;
	const at = validTime(entry.deletedAt);
	if (at === undefined) throw new ImportError('malformed', `In this backup, ${where} has a broken deletion date, so nothing was imported.`);
	return { at, by: memberIdAt(entry.deletedBy, where) };
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
	if (!isObject(value)) throw new ImportError('malformed', `In this backup, ${where} is not an object, so nothing was imported.`);
	return value;
}

export function planBackup(json: unknown, onProgress?: ProgressListener): ImportPlan {
	const backup = objectAt(json, 'the file');
	if (typeof backup.version !== 'number' || backup.version > BACKUP_VERSION) {
		throw new ImportError('malformed', 'This backup was written by a newer version of Commonplace; update the app to import it.');
	}
	const plan = new PlanBuilder('Commonplace backup');
	asArray(backup.members).forEach((value, index) => {
		const where = `member ${index + 1}`;
		const member = objectAt(value, where);
		const name = cleanLine(member.name, Number.MAX_SAFE_INTEGER, 'name').slice(0, LIMITS.memberName) || 'Member';
		const color = COLOR.test(asString(member.color)) ? asString(member.color) : '#777777';
		plan.addMember({ id: memberIdAt(member.id, where), name, color, joinedAt: validTime(member.joinedAt) ?? 0 });
	});
	const items = asArray(backup.items);
	let viewBudget = MAX_RESTORED_VIEWS;
	let viewsClipped = false;
	items.forEach((value, index) => {
		const where = `item ${index + 1}`;
		const item = objectAt(value, where);
		const savedBy = asArray(item.savedBy).map((save, s) => {
			const entry = objectAt(save, `save ${s + 1} of ${where}`);
			return { memberId: memberIdAt(entry.memberId, `save ${s + 1} of ${where}`), at: validTime(entry.at) ?? 0 };
		});
		const highlights: RawHighlight[] = asArray(item.highlights).map((h, i) => {
			const at = `highlight ${i + 1} of ${where}`;
			const entry = objectAt(h, at);
			return {
				id: asString(entry.id) || `${where}-${at}`,
				exact: entry.exact,
				prefix: entry.prefix,
				suffix: entry.suffix,
				position: entry.position,
				note: entry.note,
				createdAt: entry.createdAt,
				by: memberIdAt(entry.createdBy, at),
				deleted: deletion(entry, at)
			};
		});
		const notes: RawNote[] = asArray(item.notes).map((n, i) => {
			const at = `note ${i + 1} of ${where}`;
			const entry = objectAt(n, at);
			return {
				id: asString(entry.id) || `${where}-${at}`,
				text: entry.text,
				createdAt: entry.createdAt,
				by: memberIdAt(entry.createdBy, at),
				editedAt: entry.editedAt ?? undefined,
				deleted: deletion(entry, at)
			};
		});
		const views: Record<string, number> = {};
		if (isObject(item.viewsByMember)) {
			for (const [memberId, count] of Object.entries(item.viewsByMember)) {
				const n = Math.floor(Number(count));
				if (!(Number.isFinite(n) && n > 0)) continue;
				const kept = Math.min(n, viewBudget);
				if (kept < n) viewsClipped = true;
				viewBudget -= kept;
				if (kept > 0) views[memberIdAt(memberId, `the views of ${where}`)] = kept;
			}
		}
		plan.add({
			where,
			url: item.url,
			title: item.title,
			site: item.site,
			image: item.image,
			favicon: item.favicon,
			pageDetailsAt: item.pageDetailsAt,
			description: item.description,
			tags: asArray(item.tags),
			createdAt: savedBy[0]?.at,
			savedBy: savedBy.length ? savedBy : undefined,
			views,
			updatedAt: item.updatedAt,
			deleted: deletion(item, where),
			highlights,
			notes
		});
		if (onProgress && (index + 1) % 1000 === 0) onProgress({ phase: 'reading', done: index + 1, total: items.length });
	});
	if (viewsClipped) {
		plan.skip('view counts', `Only the first ${MAX_RESTORED_VIEWS.toLocaleString('en')} views were restored; the items themselves are complete.`);
	}
	const conversations = planConversations(backup, (where, reason) => plan.skip(where, reason));
	return { ...plan.build(), conversations };
}
