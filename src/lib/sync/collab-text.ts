// A Svelte action binding a textarea to a note's, highlight note's, reply's or item description's live Y.Text:
// local input is handed to `write` (the group state's one write path), remote changes come in
// without moving the caret, other members' carets are listed in their colour, and presence says
// who is typing where.
import * as Y from 'yjs';
import { descriptionText, highlightNote, noteText, replyTextOf } from '$lib/model';
import { readPresence } from './presence';
import type { GroupSession } from './types';

export interface CollabTarget {
	kind: 'note' | 'highlight' | 'reply' | 'description';
	/** The note, highlight or reply id, or the item id for a description. */
	id: string;
}

export interface CollabTextParams {
	session: Pick<GroupSession, 'doc' | 'awareness' | 'loaded' | 'setPresence'>;
	target: CollabTarget;
	/** Stores the member's text (GroupState.editText); throws a ModelError to refuse it. */
	write: (target: CollabTarget, value: string) => void;
}

/** Where a member's caret is: the awareness state's `caret` field, next to `member`. */
export interface CaretState {
	target: string;
	anchor: unknown;
	head: unknown;
}

/** The key presence uses for a co-edited text: a note or highlight id, or `description:<itemId>`. */
export function targetKey(target: CollabTarget): string {
	return target.kind === 'description' ? `description:${target.id}` : target.id;
}

function liveText(doc: Y.Doc, target: CollabTarget): Y.Text {
	if (target.kind === 'note') return noteText(doc, target.id);
	if (target.kind === 'highlight') return highlightNote(doc, target.id);
	if (target.kind === 'reply') return replyTextOf(doc, target.id);
	return descriptionText(doc, target.id);
}

type Delta = { insert?: unknown; delete?: number; retain?: number }[];

/** Maps a position in the old text to the new one; a remote insert exactly at the caret lands after it (the caret stays before it, keeping the local writer's words together). */
export function mapThroughDelta(position: number, delta: Delta): number {
	let old = 0;
	let mapped = position;
	for (const op of delta) {
		if (old > position) break;
		if (op.retain !== undefined) old += op.retain;
		else if (typeof op.insert === 'string') {
			if (old < position) mapped += op.insert.length;
		} else if (op.delete !== undefined) {
			mapped -= Math.max(0, Math.min(op.delete, position - old));
			old += op.delete;
		}
	}
	return mapped;
}

export function collabText(node: HTMLTextAreaElement, initial: CollabTextParams) {
	let params = initial;
	let unbind: () => void = () => {};

	function bind(p: CollabTextParams): () => void {
		const { session } = p;
		const doc = session.doc;
		const key = targetKey(p.target);
		const member = () => readPresence(session.awareness.getLocalState()?.member);
		let ytext: Y.Text | null = null;
		let writing = false;
		let gone = false;

		const carets = document.createElement('ul');
		carets.className = 'remote-carets';
		carets.setAttribute('aria-label', 'Others typing here');
		carets.style.cssText = 'list-style:none;margin:0.2rem 0 0;padding:0;font-size:0.85rem;';
		node.insertAdjacentElement('afterend', carets);

		const publishCaret = () => {
			if (!ytext || document.activeElement !== node) return;
			const caret: CaretState = {
				target: key,
				anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, node.selectionStart)),
				head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, node.selectionEnd))
			};
			session.awareness.setLocalStateField('caret', caret);
		};

		const renderCarets = () => {
			const rows: HTMLLIElement[] = [];
			if (ytext) {
				const me = member()?.memberId;
				const text = ytext.toString();
				for (const [clientId, state] of session.awareness.getStates()) {
					const caret = state?.caret as CaretState | undefined;
					const who = readPresence(state?.member);
					if (clientId === session.awareness.clientID || !caret || caret.target !== key || !who || who.memberId === me) continue;
					let abs: Y.AbsolutePosition | null = null;
					try {
						abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(caret.head), doc);
					} catch {
						continue; // a peer's unreadable caret is not shown
					}
					if (!abs || abs.type !== ytext) continue;
					const before = text.slice(0, abs.index);
					const line = before.split('\n').length;
					const column = abs.index - before.lastIndexOf('\n');
					const li = document.createElement('li');
					li.dataset.memberId = who.memberId;
					li.style.cssText = `border-left:3px solid ${who.color};padding-left:0.4rem;margin:0.1rem 0;`;
					const name = document.createElement('strong');
					name.style.color = who.color;
					name.textContent = who.name;
					li.append(name, ` is typing at line ${line}, column ${column}`);
					rows.push(li);
				}
			}
			carets.replaceChildren(...rows);
		};

		const onRemote = (event: Y.YTextEvent, tx: Y.Transaction) => {
			if (writing && tx.local) return;
			const focused = document.activeElement === node;
			const start = node.selectionStart;
			const end = node.selectionEnd;
			const direction = node.selectionDirection ?? 'none';
			node.value = (ytext as Y.Text).toString();
			if (focused) node.setSelectionRange(mapThroughDelta(start, event.delta as Delta), mapThroughDelta(end, event.delta as Delta), direction);
			renderCarets();
		};

		const onInput = () => {
			if (!ytext || node.readOnly) return;
			writing = true;
			try {
				p.write(p.target, node.value);
				node.setCustomValidity('');
			} catch (error) {
				// Refused (too long, read-only group…): say why and show what the group holds.
				node.setCustomValidity((error as Error).message);
				node.reportValidity();
			} finally {
				writing = false;
			}
			// The model cleans text (line ends, control characters); show exactly what was stored.
			const stored = ytext.toString();
			if (stored !== node.value) {
				const caret = Math.min(node.selectionStart, stored.length);
				node.value = stored;
				node.setSelectionRange(caret, caret);
			}
			publishCaret();
		};

		const onFocus = () => {
			session.setPresence({ typing: key });
			publishCaret();
		};
		const onBlur = () => {
			session.setPresence({ typing: undefined });
			session.awareness.setLocalStateField('caret', null);
		};
		const onSelection = () => {
			if (document.activeElement === node) publishCaret();
		};

		// The text may arrive from the relay after the page opened: try again on each update until then.
		const retry = () => attach();
		const attach = () => {
			if (gone || ytext) return;
			try {
				ytext = liveText(doc, p.target);
			} catch {
				doc.off('update', retry);
				doc.on('update', retry);
				return;
			}
			doc.off('update', retry);
			node.value = ytext.toString();
			ytext.observe(onRemote);
			node.addEventListener('input', onInput);
			node.addEventListener('focus', onFocus);
			node.addEventListener('blur', onBlur);
			document.addEventListener('selectionchange', onSelection);
			session.awareness.on('change', renderCarets);
			if (document.activeElement === node) onFocus();
			renderCarets();
		};
		// The text may only exist once the group is read from storage.
		void session.loaded.then(attach);

		return () => {
			gone = true;
			doc.off('update', retry);
			ytext?.unobserve(onRemote);
			node.removeEventListener('input', onInput);
			node.removeEventListener('focus', onFocus);
			node.removeEventListener('blur', onBlur);
			document.removeEventListener('selectionchange', onSelection);
			session.awareness.off('change', renderCarets);
			if (ytext && document.activeElement === node) onBlur();
			carets.remove();
		};
	}

	unbind = bind(params);
	return {
		update(next: CollabTextParams) {
			if (next.session === params.session && targetKey(next.target) === targetKey(params.target) && next.target.kind === params.target.kind) {
				params = next;
				return;
			}
			unbind();
			params = next;
			unbind = bind(params);
		},
		destroy() {
			unbind();
		}
	};
}
