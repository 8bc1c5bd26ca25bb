// What changed between two versions of an item, and how to say it. Every kind of change is one entry
// of ASPECTS (its diff) and one case of describeChange (its words): a new kind is added here only.
import type { ItemVersion } from '../model/version';

export type EntryAction = 'added' | 'edited' | 'deleted' | 'restored';

export type Change =
	| { kind: 'saved'; url: string; title: string }
	| { kind: 'title' | 'site' | 'description'; from: string; to: string }
	| { kind: 'tags'; added: string[]; removed: string[] }
	| { kind: 'trash'; deleted: boolean }
	| { kind: 'note'; id: string; action: EntryAction; from: string; to: string }
	| { kind: 'highlight'; id: string; action: EntryAction; quote: string; from: string; to: string }
	| { kind: 'reply'; id: string; action: EntryAction; from: string; to: string };

type Aspect = (before: ItemVersion, after: ItemVersion) => Change[];

const saved: Aspect = (before, after) => (!before.exists && after.exists ? [{ kind: 'saved', url: after.url, title: after.title }] : []);

/** Title and site name are part of saving an item; a description written with it is told. */
const field =
	(kind: 'title' | 'site' | 'description'): Aspect =>
	(before, after) =>
		before[kind] !== after[kind] && (before.exists || kind === 'description') ? [{ kind, from: before[kind], to: after[kind] }] : [];

const tags: Aspect = (before, after) => {
	const added = after.tags.filter((tag) => !before.tags.includes(tag));
	const removed = before.tags.filter((tag) => !after.tags.includes(tag));
	return added.length || removed.length ? [{ kind: 'tags', added, removed }] : [];
};

const trash: Aspect = (before, after) => (before.exists && before.deleted !== after.deleted ? [{ kind: 'trash', deleted: after.deleted }] : []);

/** Notes and highlights: each added, edited (its text), moved to the trash or brought back. */
function entries<T extends { id: string; deleted: boolean }>(
	list: (version: ItemVersion) => T[],
	text: (entry: T) => string,
	make: (entry: T, action: EntryAction, from: string, to: string) => Change
): Aspect {
	return (before, after) => {
		const old = new Map(list(before).map((entry) => [entry.id, entry]));
		const out: Change[] = [];
		for (const entry of list(after)) {
			const was = old.get(entry.id);
			if (!was) {
				if (!entry.deleted) out.push(make(entry, 'added', '', text(entry)));
				continue;
			}
			if (text(was) !== text(entry)) out.push(make(entry, 'edited', text(was), text(entry)));
			if (was.deleted !== entry.deleted) out.push(make(entry, entry.deleted ? 'deleted' : 'restored', text(was), text(entry)));
		}
		return out;
	};
}

const ASPECTS: Aspect[] = [
	saved,
	field('title'),
	field('site'),
	field('description'),
	tags,
	trash,
	entries(
		(v) => v.notes,
		(n) => n.text,
		(n, action, from, to) => ({ kind: 'note', id: n.id, action, from, to })
	),
	entries(
		(v) => v.highlights,
		(h) => h.note,
		(h, action, from, to) => ({ kind: 'highlight', id: h.id, action, quote: h.exact, from, to })
	),
	entries(
		(v) => v.replies,
		(r) => r.text,
		(r, action, from, to) => ({ kind: 'reply', id: r.id, action, from, to })
	)
];

export function diffVersions(before: ItemVersion, after: ItemVersion): Change[] {
	return ASPECTS.flatMap((aspect) => aspect(before, after));
}

function clip(text: string, max = 80): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const quoted = (text: string) => (text ? `“${clip(text)}”` : 'nothing');

/** One change in words, after the member's name: "changed the title from “A” to “B”". */
export function describeChange(change: Change): string {
	switch (change.kind) {
		case 'saved':
			return `saved the item ${quoted(change.title || change.url)}`;
		case 'title':
		case 'site':
			return `changed the ${change.kind === 'site' ? 'site name' : 'title'} from ${quoted(change.from)} to ${quoted(change.to)}`;
		case 'description':
			if (!change.from) return `wrote the description ${quoted(change.to)}`;
			return change.to ? `changed the description from ${quoted(change.from)} to ${quoted(change.to)}` : 'removed the description';
		case 'tags': {
			const list = (tags: string[]) => tags.map((tag) => `“${tag}”`).join(', ');
			const parts = [];
			if (change.added.length) parts.push(`added the tag${change.added.length > 1 ? 's' : ''} ${list(change.added)}`);
			if (change.removed.length) parts.push(`removed the tag${change.removed.length > 1 ? 's' : ''} ${list(change.removed)}`);
			return parts.join(' and ');
		}
		case 'trash':
			return change.deleted ? 'moved the item to the trash' : 'restored the item from the trash';
		case 'note':
			switch (change.action) {
				case 'added':
					return `added a note ${quoted(change.to)}`;
				case 'edited':
					return `edited a note from ${quoted(change.from)} to ${quoted(change.to)}`;
				case 'deleted':
					return `deleted the note ${quoted(change.to)}`;
				case 'restored':
					return `restored the note ${quoted(change.to)}`;
			}
			break;
		case 'highlight':
			switch (change.action) {
				case 'added':
					return `highlighted ${quoted(change.quote)}${change.to ? ` with the note ${quoted(change.to)}` : ''}`;
				case 'edited':
					return `changed the note on the highlight ${quoted(change.quote)} from ${quoted(change.from)} to ${quoted(change.to)}`;
				case 'deleted':
					return `deleted the highlight ${quoted(change.quote)}`;
				case 'restored':
					return `restored the highlight ${quoted(change.quote)}`;
			}
			break;
		case 'reply':
			switch (change.action) {
				case 'added':
					return `replied ${quoted(change.to)}`;
				case 'edited':
					return `edited a reply from ${quoted(change.from)} to ${quoted(change.to)}`;
				case 'deleted':
					return `deleted the reply ${quoted(change.to)}`;
				case 'restored':
					return `restored the reply ${quoted(change.to)}`;
			}
	}
	return 'changed the item';
}
