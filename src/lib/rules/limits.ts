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
	note: 100_000
} as const;
