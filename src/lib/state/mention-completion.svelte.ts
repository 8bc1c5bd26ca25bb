// The state of one field's mention list: open or not, the matching members, the one chosen by
// the arrow keys. The component draws it and hands it the field's text and caret.
import type { Member } from '$lib/model';
import { insertMention, matchMembers, mentionQueryAt, type MentionQuery } from './mention-completion';

export class MentionCompletion {
	#at = $state<MentionQuery | null>(null);
	#options = $state<Member[]>([]);
	#active = $state(0);

	constructor(private readonly members: () => readonly Member[]) {}

	get open(): boolean {
		return this.#at !== null && this.#options.length > 0;
	}

	get options(): Member[] {
		return this.#options;
	}

	get active(): number {
		return this.#active;
	}

	/** Reads the field again after typing or moving the caret. */
	update(text: string, caret: number): void {
		const at = mentionQueryAt(text, caret);
		this.#at = at;
		this.#options = at ? matchMembers(this.members(), at.query) : [];
		if (this.#active >= this.#options.length) this.#active = 0;
	}

	move(by: number): void {
		const n = this.#options.length;
		if (n) this.#active = (this.#active + by + n) % n;
	}

	close(): void {
		this.#at = null;
		this.#options = [];
		this.#active = 0;
	}

	/** The field's text with the chosen member (the active one by default) mentioned; null when closed. */
	choose(text: string, caret: number, index = this.#active): { text: string; caret: number } | null {
		const member = this.#options[index];
		const at = this.#at;
		if (!member || !at) return null;
		this.close();
		return insertMention(text, caret, at, member);
	}
}
