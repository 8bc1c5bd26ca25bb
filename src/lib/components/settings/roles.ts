// What each role may do, in the words the settings and join pages use.
import type { Role } from '$lib/model';

export const ROLE_NAMES: Record<Role, string> = { owner: 'owner', editor: 'editor', viewer: 'viewer' };

export const ROLE_ABILITIES: Record<Role, string> = {
	owner: 'You can add and change anything, invite people and remove them, and rename or delete the group.',
	editor: 'You can add items, highlights and notes, and change them.',
	viewer: 'You can read everything in the group but not change it.'
};

/** "an editor", "a viewer", "an owner". */
export function withArticle(role: Role): string {
	return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${ROLE_NAMES[role]}`;
}

/** What an invite link lets its holder do once they join, said before they join. */
export const LINK_OFFERS: Record<Role, string> = {
	owner: 'You will be able to add and change anything, invite people and remove them, and rename or delete the group.',
	editor: 'You will be able to add items, highlights and notes, and change them.',
	viewer: 'You will be able to read everything in the group but not change it.'
};
