// The side panel: joins groups, chooses the group for the page in the active tab, and lists that
// page's highlights (orphans apart) and notes live, with co-edited notes and who else is on the page.
import { addNote, deleteHighlight, editHighlight, editNote, getGroupInfo, ModelError } from '$lib/model';
import { collabText } from '$lib/sync/collab-text';
import { watchPeople } from '$lib/sync/presence';
import { describeStatus } from '$lib/sync/status-text';
import type { LocalFirstSession } from '$lib/sync/session';
import type { Presence } from '$lib/sync/types';
import { openExtensionSession } from '../background/sessions';
import type { BackgroundBroadcast, PanelToBackground, TabState } from '../messages';
import { memberColor, memberNameOf, readPageAnnotations } from '../page-annotations';
import { getProfile, listGroups, watchRegistry, type ExtensionGroup } from '../registry';
import { joinWithInvite } from '../join';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pinnedTab = Number(new URLSearchParams(location.search).get('tab')) || null;

let tabId: number | null = pinnedTab;
let tab: TabState | null = null;
let groups: ExtensionGroup[] = [];
let session: LocalFirstSession | null = null;
let sessionGroup = '';
let unwatch: (() => void)[] = [];
let people: Presence[] = [];
/** This member's id, for their own highlights. */
let me = '';
const bound = new Map<string, { destroy(): void }>();

function ask<T>(message: PanelToBackground): Promise<T> {
	return chrome.runtime.sendMessage(message) as Promise<T>;
}

async function activeTab(): Promise<number | null> {
	if (pinnedTab) return pinnedTab;
	const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
	return active?.id ?? null;
}

async function refreshTab(): Promise<void> {
	tabId = await activeTab();
	tab = tabId === null ? null : await ask<TabState | null>({ kind: 'tab-state', tabId });
	await useGroup(tab?.groupId ?? '');
	render();
}

async function useGroup(groupId: string): Promise<void> {
	if (groupId === sessionGroup) return;
	for (const off of unwatch) off();
	unwatch = [];
	for (const b of bound.values()) b.destroy();
	bound.clear();
	session?.destroy();
	session = null;
	sessionGroup = groupId;
	const group = groups.find((g) => g.groupId === groupId);
	if (!group) return;
	const profile = await getProfile();
	session = openExtensionSession(group, profile);
	let timer: ReturnType<typeof setTimeout> | null = null;
	const soon = () => (timer ??= setTimeout(() => ((timer = null), render()), 50));
	session.doc.on('update', soon);
	unwatch.push(() => session?.doc.off('update', soon));
	unwatch.push(session.subscribe(() => renderStatus()));
	unwatch.push(
		watchPeople(session.awareness, profile.memberId, (p) => {
			people = p;
			renderPresence();
		})
	);
	void session.loaded.then(render);
}

function renderStatus(): void {
	const line = $('status');
	if (!session) {
		line.textContent = '';
		return;
	}
	const text = describeStatus(session.status);
	line.textContent = text.detail ? `${text.label}: ${text.detail}` : text.label;
	line.dataset.tone = text.tone;
}

function renderPresence(): void {
	const line = $('presence');
	if (!session || !tab?.itemId) {
		line.textContent = '';
		return;
	}
	const here = people.filter((p) => p.viewing === tab?.itemId);
	const count = here.length + 1;
	line.textContent =
		count === 1 ? 'Only you on this page' : `${count} members on this page: you, ${here.map((p) => p.name).join(', ')}`;
	line.dataset.count = String(count);
}

function render(): void {
	const hasGroups = groups.length > 0;
	$('join-first').hidden = hasGroups;
	$('workspace').hidden = !hasGroups;
	const select = $<HTMLSelectElement>('group');
	select.replaceChildren(
		...groups.map((g) => {
			const option = new Option(g.name || g.groupId, g.groupId, false, g.groupId === tab?.groupId);
			return option;
		})
	);
	select.disabled = !tab?.itemId;
	$('page').textContent = tab?.itemId ? tab.title || tab.url : 'This page cannot be annotated: open an http or https page.';
	renderStatus();
	renderPresence();
	renderAnnotations();
}

function renderAnnotations(): void {
	const list = $('highlights');
	const orphanList = $('orphans');
	const notes = $('notes');
	if (!session || !tab?.itemId) {
		list.replaceChildren();
		orphanList.replaceChildren();
		notes.replaceChildren();
		$('orphans-section').hidden = true;
		$('badge-count').textContent = '';
		return;
	}
	const doc = session.doc;
	const page = readPageAnnotations(doc, tab.itemId);
	const orphans = new Set(tab.orphans);
	const writable = groups.find((g) => g.groupId === sessionGroup)?.role !== 'viewer' && getGroupInfo(doc).writable;
	const keep = new Set<string>();
	const row = (id: string, quote: string | null, by: string, target: 'highlight' | 'note', text: string, mine = false) => {
		keep.add(id);
		const existing = document.querySelector<HTMLLIElement>(`li[data-id="${CSS.escape(id)}"]`);
		const li = existing ?? document.createElement('li');
		if (!existing) {
			li.dataset.id = id;
			if (quote !== null) {
				const q = document.createElement('blockquote');
				li.append(q);
				const show = document.createElement('button');
				show.type = 'button';
				show.className = 'show';
				show.textContent = 'Show on page';
				show.addEventListener('click', () => {
					if (tabId !== null) void ask({ kind: 'scroll-to', tabId, highlightId: id });
				});
				li.append(show);
				if (mine) {
					const remove = document.createElement('button');
					remove.type = 'button';
					remove.className = 'delete';
					remove.textContent = 'Delete';
					remove.title = 'Moves the highlight to the group’s trash, where the app can restore it';
					remove.addEventListener('click', () => {
						if (!session) return;
						try {
							deleteHighlight(session.doc, { memberId: me }, id);
						} catch (error) {
							$('note-message').textContent = error instanceof Error ? error.message : String(error);
						}
					});
					li.append(' ', remove);
				}
			}
			const who = document.createElement('p');
			who.className = 'by';
			li.append(who);
			const label = document.createElement('label');
			label.textContent = target === 'highlight' ? 'Note on this highlight' : 'Note';
			const area = document.createElement('textarea');
			area.rows = 2;
			label.append(area);
			li.append(label);
			if (session) {
				const doc = session.doc;
				const write = (t: { kind: string; id: string }, value: string) => {
					if (t.kind === 'note') editNote(doc, { memberId: me }, t.id, value);
					else editHighlight(doc, { memberId: me }, t.id, { note: value });
				};
				bound.set(id, collabText(area, { session, target: { kind: target, id }, write }));
			}
		}
		const q = li.querySelector('blockquote');
		if (q && quote !== null) q.textContent = quote;
		const who = li.querySelector('.by') as HTMLElement;
		who.textContent = `by ${by}`;
		const area = li.querySelector('textarea') as HTMLTextAreaElement;
		area.readOnly = !writable;
		if (!existing) area.value = text;
		return li;
	};
	const drawn: HTMLLIElement[] = [];
	const lost: HTMLLIElement[] = [];
	for (const h of page.highlights) {
		const li = row(h.id, h.exact, memberNameOf(doc, h.createdBy), 'highlight', h.note, writable && h.createdBy === me);
		li.style.borderInlineStartColor = memberColor(doc, h.createdBy);
		(orphans.has(h.id) ? lost : drawn).push(li);
	}
	place(list, drawn);
	place(orphanList, lost);
	$('orphans-section').hidden = lost.length === 0;
	$('orphans-count').textContent = String(lost.length);
	place(notes, page.notes.map((n) => row(n.id, null, memberNameOf(doc, n.createdBy), 'note', n.text)));
	for (const [id, b] of bound) {
		if (!keep.has(id)) {
			b.destroy();
			bound.delete(id);
		}
	}
	$('highlights-empty').hidden = page.highlights.length > 0;
	const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
	$('badge-count').textContent = `${count(page.highlights.length, 'highlight')}, ${count(page.notes.length, 'note')}`;
	$<HTMLFormElement>('note-form').hidden = !writable;
}

/** Puts `rows` in `list` in order, moving nothing already in place: a moved textarea would lose the focus. */
function place(list: HTMLElement, rows: HTMLElement[]): void {
	const same = list.children.length === rows.length && rows.every((row, i) => list.children[i] === row);
	if (!same) list.replaceChildren(...rows);
}

function wireForms(): void {
	for (const form of document.querySelectorAll<HTMLFormElement>('form.join')) {
		form.addEventListener('submit', (event) => {
			event.preventDefault();
			const data = new FormData(form);
			const message = $('join-message');
			message.textContent = 'Checking the invite link with the relay…';
			joinWithInvite(String(data.get('link') ?? ''), String(data.get('name') ?? '')).then(
				(name) => {
					message.textContent = `You joined “${name}”.`;
					form.reset();
				},
				(error: unknown) => (message.textContent = error instanceof Error ? error.message : String(error))
			);
		});
	}
	$<HTMLSelectElement>('group').addEventListener('change', (event) => {
		const groupId = (event.target as HTMLSelectElement).value;
		if (tabId !== null) void ask<TabState | null>({ kind: 'choose-group', tabId, groupId }).then(() => refreshTab());
	});
	$<HTMLFormElement>('note-form').addEventListener('submit', (event) => {
		event.preventDefault();
		const area = $<HTMLTextAreaElement>('new-note');
		const message = $('note-message');
		if (!session || !tab?.itemId) return;
		void getProfile().then((profile) => {
			try {
				if (!session || !tab?.itemId) return;
				addNote(session.doc, { memberId: profile.memberId }, tab.itemId, { text: area.value });
				area.value = '';
				message.textContent = '';
			} catch (error) {
				message.textContent =
					error instanceof ModelError && error.code === 'not-found'
						? 'Highlight something on the page first: that saves the page in the group, then notes can go on it.'
						: error instanceof Error
							? error.message
							: String(error);
			}
		});
	});
}

async function start(): Promise<void> {
	wireForms();
	me = (await getProfile()).memberId;
	groups = await listGroups();
	watchRegistry(async () => {
		groups = await listGroups();
		sessionGroup = sessionGroup && groups.some((g) => g.groupId === sessionGroup) ? sessionGroup : '';
		await refreshTab();
	});
	chrome.runtime.onMessage.addListener((message: BackgroundBroadcast) => {
		if (message?.kind === 'tab-changed' && message.tabId === tabId) void refreshTab();
	});
	if (!pinnedTab) {
		chrome.tabs.onActivated.addListener(() => void refreshTab());
		chrome.tabs.onUpdated.addListener((id, change) => {
			if (id === tabId && (change.url || change.status === 'complete')) void refreshTab();
		});
	}
	await refreshTab();
}

void start();
