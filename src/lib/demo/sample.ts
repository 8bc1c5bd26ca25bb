// Builds the sample group "Tic&Travail" from the reference Diigo page's ten items, so a newcomer
// sees a living group at once. Pure model calls: the app's "Try the sample group" and `--demo` share it.
import type * as Y from 'yjs';
import {
	addHighlight,
	addItem,
	addNote,
	countView,
	createGroup,
	setMemberProfile,
	type Actor,
	type GroupInfo
} from '$lib/model';
import { SAMPLE_ITEMS, type SampleMember } from './sample-data';
import { SAMPLE_CREATOR_ID, SAMPLE_GROUP_NAME } from './identity';

export { SAMPLE_ITEMS, type SampleMember } from './sample-data';

export { SAMPLE_CREATOR_ID, SAMPLE_GROUP_NAME } from './identity';

export const SAMPLE_MEMBERS: Record<SampleMember, { id: string; name: string; color: string }> = {
	aurialie: { id: SAMPLE_CREATOR_ID, name: 'Aurialie Jublin', color: '#8e44ad' },
	julien: { id: 'sample-julien', name: 'julien camacho', color: '#117a65' },
	abrugiere: { id: 'sample-abrugiere', name: 'abrugiere', color: '#b9770e' }
};

const DAY = 86_400_000;
/** The newest item was saved at this time; each older one a few days before it. */
const NEWEST = Date.UTC(2017, 2, 20, 9, 30);

/**
 * Writes the sample group into an empty document. `actors` may replace the sample members' ids
 * (each actor's clock is replaced so the items keep their dates). Returns the group's info.
 */
export function buildSampleGroup(doc: Y.Doc, actors: Partial<Record<SampleMember, Actor>> = {}): GroupInfo {
	const memberIds = Object.fromEntries(
		(Object.keys(SAMPLE_MEMBERS) as SampleMember[]).map((key) => [key, actors[key]?.memberId ?? SAMPLE_MEMBERS[key].id])
	) as Record<SampleMember, string>;
	const at = (key: SampleMember, time: number): Actor => ({ ...actors[key], memberId: memberIds[key], now: () => time });

	const start = NEWEST - SAMPLE_ITEMS.length * 4 * DAY;
	const info = createGroup(doc, at('aurialie', start), { name: SAMPLE_GROUP_NAME });
	(Object.keys(SAMPLE_MEMBERS) as SampleMember[]).forEach((key, i) => {
		const { name, color } = SAMPLE_MEMBERS[key];
		setMemberProfile(doc, at(key, start + i * 3_600_000), { name, color });
	});

	// Oldest first, so each write's clock moves forward.
	[...SAMPLE_ITEMS].reverse().forEach((sample, index) => {
		const savedAt = NEWEST - (SAMPLE_ITEMS.length - 1 - index) * 4 * DAY;
		const { itemId } = addItem(doc, at(sample.poster, savedAt), {
			url: sample.url,
			title: sample.title,
			site: sample.site,
			tags: sample.tags
		});
		sample.highlights.forEach((exact, i) => {
			addHighlight(doc, at(sample.poster, savedAt + (i + 1) * 60_000), itemId, { exact });
		});
		sample.notes.forEach((note, i) => {
			addNote(doc, at(note.by, savedAt + (i + 1) * 3_600_000), itemId, { text: note.text });
		});
		for (const [member, count] of Object.entries(sample.views) as [SampleMember, number][]) {
			for (let v = 0; v < count; v++) countView(doc, at(member, savedAt + DAY), itemId);
		}
	});
	return info;
}
