// What each role may do, in the words the settings and join pages use.
import type { Role } from '$lib/model';

export const ROLE_NAMES: Record<Role, string> = { owner: 'owner', editor: 'editor', viewer: 'viewer' };

export const ROLE_ABILITIES: Record<Role, string> = {
	owner: 'You can add and change anything, invite people and revoke their links, and rename or delete the group.',
	editor: 'You can add items, highlights and notes, and change them.',
	viewer: 'You can read everything in the group but not change it.'
};

/** "an editor", "a viewer", "an owner". */
export function withArticle(role: Role): string {
	return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${ROLE_NAMES[role]}`;
}
