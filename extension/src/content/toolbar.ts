// The extension's only UI inside a page: a small toolbar by the selection ("Highlight", "Highlight
// and note") with a note field and a status line, inside a closed shadow root so the page's scripts
// cannot read it and its styles cannot reach it.
import { styleShadow } from './shadow-style';
export interface ToolbarActions {
	highlight(withNote: boolean): void;
	saveNote(note: string): void;
	cancelNote(): void;
}

const CSS_TEXT = `
:host { all: initial; }
.bar { font: 14px/1.4 system-ui, sans-serif; color: #1a1a1a; background: #fff; border: 1px solid #999;
  border-radius: 6px; box-shadow: 0 2px 8px rgba(0,0,0,.25); padding: 6px; display: flex; flex-wrap: wrap;
  gap: 6px; align-items: center; max-width: min(340px, calc(100vw - 16px)); box-sizing: border-box; }
button { font: inherit; padding: 4px 10px; border: 1px solid #2471a3; border-radius: 4px; background: #2471a3;
  color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #2471a3; }
button:focus-visible, textarea:focus-visible { outline: 3px solid #f1c40f; outline-offset: 1px; }
textarea { font: inherit; width: 100%; min-height: 4em; box-sizing: border-box; }
label { width: 100%; }
.status { width: 100%; margin: 0; }
[hidden] { display: none !important; }
`;

export class Toolbar {
	readonly host: HTMLElement;
	private readonly shadow: ShadowRoot;
	private readonly actions: HTMLElement;
	private readonly noteForm: HTMLFormElement;
	private readonly noteField: HTMLTextAreaElement;
	private readonly status: HTMLParagraphElement;
	private statusTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(private readonly on: ToolbarActions) {
		this.host = document.createElement('commonplace-toolbar');
		this.shadow = this.host.attachShadow({ mode: 'closed' });
		styleShadow(this.shadow, CSS_TEXT);
		const bar = el('div', { class: 'bar', role: 'toolbar', 'aria-label': 'Commonplace' });
		this.actions = el('div', { class: 'actions' });
		const highlight = el('button', { type: 'button' }, 'Highlight');
		const withNote = el('button', { type: 'button', class: 'secondary' }, 'Highlight and note');
		highlight.addEventListener('click', () => this.on.highlight(false));
		withNote.addEventListener('click', () => this.on.highlight(true));
		this.actions.append(highlight, ' ', withNote);
		this.noteForm = el('form', { hidden: '' }) as HTMLFormElement;
		const label = el('label', {}, 'Note');
		this.noteField = el('textarea', { rows: '3' }) as HTMLTextAreaElement;
		label.append(this.noteField);
		const save = el('button', { type: 'submit' }, 'Save highlight');
		const cancel = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
		cancel.addEventListener('click', () => this.on.cancelNote());
		this.noteForm.addEventListener('submit', (event) => {
			event.preventDefault();
			this.on.saveNote(this.noteField.value);
		});
		this.noteForm.append(label, save, ' ', cancel);
		this.status = el('p', { class: 'status', role: 'status', hidden: '' }) as HTMLParagraphElement;
		bar.append(this.actions, this.noteForm, this.status);
		this.shadow.append(bar);
		// Pressing a button must not clear the page's selection.
		bar.addEventListener('mousedown', (event) => {
			if (!(event.target instanceof HTMLTextAreaElement)) event.preventDefault();
		});
		bar.addEventListener('keydown', (event) => {
			if (event.key === 'Escape') this.on.cancelNote();
			event.stopPropagation();
		});
		for (const [name, value] of Object.entries({ position: 'fixed', 'z-index': '2147483647', display: 'none', top: '0', left: '0' })) {
			this.host.style.setProperty(name, value, 'important');
		}
	}

	/** Keeps the toolbar in the page even if the page's scripts replace its body. */
	attach(): void {
		if (!this.host.isConnected) document.documentElement.append(this.host);
	}

	get noteOpen(): boolean {
		return !this.noteForm.hidden;
	}

	/** Shows the toolbar under a rectangle of the viewport (the selection's), inside the window. */
	showAt(rect: DOMRect): void {
		this.attach();
		const width = Math.min(340, window.innerWidth - 16);
		const left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
		const below = rect.bottom + 8;
		const top = below + 60 < window.innerHeight ? below : Math.max(8, rect.top - 60);
		this.host.style.setProperty('left', `${Math.round(left)}px`, 'important');
		this.host.style.setProperty('top', `${Math.round(top)}px`, 'important');
		this.host.style.setProperty('display', 'block', 'important');
	}

	hide(): void {
		if (this.noteOpen) return;
		this.host.style.setProperty('display', 'none', 'important');
		this.status.hidden = true;
	}

	openNote(): void {
		this.actions.hidden = true;
		this.noteForm.hidden = false;
		this.noteField.value = '';
		this.noteField.focus();
	}

	closeNote(): void {
		this.noteForm.hidden = true;
		this.actions.hidden = false;
	}

	say(message: string, stay = 4_000): void {
		this.attach();
		this.status.textContent = message;
		this.status.hidden = false;
		this.host.style.setProperty('display', 'block', 'important');
		if (this.statusTimer) clearTimeout(this.statusTimer);
		this.statusTimer = setTimeout(() => {
			this.status.hidden = true;
			if (!this.noteOpen && (getSelection()?.isCollapsed ?? true)) this.hide();
		}, stay);
	}
}

function el(tag: string, attrs: Record<string, string>, text?: string): HTMLElement {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
	if (text) node.textContent = text;
	return node;
}
