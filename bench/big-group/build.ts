// Builds a big group through the model — items, highlights and notes of ordinary sizes, written by
// a few members — deterministically, so its encoded size is the same on every run.
import * as Y from 'yjs';
import { addHighlight, addItem, addNote, createGroup, setMemberProfile, type Actor } from '../../src/lib/model';
import { seededRandom } from '../../src/lib/model/testing';

export interface BigGroupSize {
	items: number;
	highlights: number;
	notes: number;
}

export const BIG_GROUP: BigGroupSize = { items: 10_000, highlights: 50_000, notes: 20_000 };

/** Words that occur in exactly one note each, for the search figures (the first search builds the index). */
export const NEEDLE = 'quincunxial';
export const SECOND_NEEDLE = 'palimpsestic';

const MEMBERS = 12;
const WORDS = (
	'the of and a to in is that for it as was with be by on not he this are or his from at which but have an they ' +
	'one you were her all she there would their we him been has when who will more no if out so said what up its about ' +
	'into than them can only other new some could time these two may then do first any my now such like our over man me ' +
	'even most made after also did many before must through back years where much your way well down should because each ' +
	'just those people how too little state good very make world still own see men work long get here between both life ' +
	'being under never day same another know while last might us great old year off come since against go came right used ' +
	'take three commonplace reading margin annotation library archive essay letter journal marginalia scholar quotation'
).split(' ');

/**
 * Writes the group into `doc`, one model action per write as members would make them; `onItem`
 * runs after each item with its highlights and notes, e.g. to let a connection send the updates.
 */
export async function buildBigGroup(doc: Y.Doc, size: BigGroupSize = BIG_GROUP, onItem?: (index: number) => void | Promise<void>): Promise<{ needleItems: Record<string, string> }> {
	const needleItems: Record<string, string> = {};
	// Seeded, so every run builds the same group.
	const rand = seededRandom(20_260_101);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
	const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
	let clock = Date.UTC(2024, 0, 1);
	let counter = 0;
	const actors: Actor[] = Array.from({ length: MEMBERS }, (_, i) => ({
		memberId: `member-${i}`,
		now: () => (clock += 1_000),
		newId: () => `id${(counter++).toString(36)}`
	}));
	createGroup(doc, actors[0], { name: 'A big commonplace book' });
	for (const actor of actors) setMemberProfile(doc, actor, { name: `Member ${actor.memberId.slice(7)}`, color: '#4477aa' });

	const tags = Array.from({ length: 300 }, (_, i) => `${pick(WORDS)}-${i}`);
	let highlightsLeft = size.highlights;
	let notesLeft = size.notes;
	for (let i = 0; i < size.items; i++) {
		const actor = pick(actors);
		const { itemId } = addItem(doc, actor, {
			url: `https://example.org/${pick(WORDS)}/${i}/${words(3).replaceAll(' ', '-')}`,
			title: words(4 + Math.floor(rand() * 8)),
			description: rand() < 0.5 ? words(10 + Math.floor(rand() * 30)) : '',
			tags: Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(tags))
		});
		// Spread highlights and notes evenly over the items, whatever the totals.
		const highlights = Math.round(highlightsLeft / (size.items - i));
		const notes = Math.round(notesLeft / (size.items - i));
		highlightsLeft -= highlights;
		notesLeft -= notes;
		for (let h = 0; h < highlights; h++) {
			addHighlight(doc, pick(actors), itemId, {
				exact: words(8 + Math.floor(rand() * 25)),
				prefix: words(5),
				suffix: words(5),
				note: rand() < 0.3 ? words(5 + Math.floor(rand() * 20)) : ''
			});
		}
		for (let n = 0; n < notes; n++) {
			const needle = n > 0 ? '' : i === Math.floor(size.items / 2) ? NEEDLE : i === Math.floor(size.items / 3) ? SECOND_NEEDLE : '';
			if (needle) needleItems[needle] = itemId;
			addNote(doc, pick(actors), itemId, { text: words(15 + Math.floor(rand() * 50)) + (needle ? ` ${needle}` : '') });
		}
		await onItem?.(i);
	}
	return { needleItems };
}
