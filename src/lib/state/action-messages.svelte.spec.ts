// A message belongs to the place whose control caused it and lasts while what it reports holds.
import { describe, expect, it } from 'vitest';
import { ActionMessages } from './action-messages.svelte';

describe('ActionMessages', () => {
	it('shows a confirmation at its own place only, while it holds', () => {
		const messages = new ActionMessages();
		let deleted = true;
		messages.done('item', 'Moved to the trash.', () => deleted);
		expect(messages.at('item')).toMatchObject({ place: 'item', text: 'Moved to the trash.', error: false });
		expect(messages.at('note-new')).toBeNull();
		deleted = false; // undone
		expect(messages.at('item')).toBeNull();
	});

	it('keeps one message at a time; a refusal stays until the next action', () => {
		const messages = new ActionMessages();
		messages.done('note-new', 'Note added.');
		messages.failed('highlight-new', 'Write the passage first.');
		expect(messages.at('note-new')).toBeNull();
		expect(messages.at('highlight-new')).toMatchObject({ error: true, text: 'Write the passage first.' });
		messages.clear();
		expect(messages.at('highlight-new')).toBeNull();
		messages.done('item', '');
		expect(messages.at('item')).toBeNull();
	});
});
