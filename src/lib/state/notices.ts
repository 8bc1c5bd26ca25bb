// A one-time message for the next page (e.g. "the group was deleted" on the home page), kept in
// memory only: the app is a single page, so it survives the navigation but not a reload.
let pending: string | null = null;

export function leaveNotice(message: string): void {
	pending = message;
}

/** The waiting message, once; null when there is none. */
export function takeNotice(): string | null {
	const message = pending;
	pending = null;
	return message;
}
