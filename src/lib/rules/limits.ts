// Length limits on what members write, shared by the model (which refuses or trims), the forms
// (which say so before saving) and the relay (which reads page details within them).
export const LIMITS = {
	url: 2_048,
	title: 500,
	site: 200,
	tag: 64,
	tagsPerItem: 100,
	groupName: 120,
	memberName: 60,
	description: 20_000,
	quote: 10_000,
	context: 200,
	note: 100_000,
	/** The longest page text a position selector may point into (characters). */
	pageText: 100_000_000
} as const;

/** A display name as forms take it and the model keeps it: whitespace collapsed, trimmed. */
export function cleanDisplayName(name: string): string {
	return name.replace(/\s+/g, ' ').trim();
}

/** Why the model would refuse this display name, in words for the form; null when it is fine. */
export function displayNameProblem(name: string): string | null {
	const clean = cleanDisplayName(name);
	if (!clean) return 'Choose a display name, so the others know who wrote what.';
	if (clean.length > LIMITS.memberName) return `A display name can be at most ${LIMITS.memberName} characters.`;
	return null;
}
