// How times and counts read on the pages: a stable absolute date (it never ticks, so nothing moves).

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Times already formatted: a listing draws the same few dozen again whenever the group changes. */
const formatted = new Map<number, string>();

export function formatWhen(ms: number): string {
	if (!(ms > 0)) return 'an unknown time';
	let text = formatted.get(ms);
	if (text === undefined) {
		if (formatted.size >= 5_000) formatted.clear();
		formatted.set(ms, (text = dateTime.format(ms)));
	}
	return text;
}

export function formatDay(ms: number): string {
	return ms > 0 ? dateOnly.format(ms) : '—';
}

export function isoTime(ms: number): string {
	return ms > 0 ? new Date(ms).toISOString() : '';
}

export function plural(count: number, one: string, many = `${one}s`): string {
	return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** Only http(s) addresses become links; anything else is shown as text. */
export function safeHref(url: string): string | null {
	return /^https?:\/\//i.test(url) ? url : null;
}

/** How long ago, within a day: "just now", "5 minutes ago", "2 hours ago"; older, the date. */
export function formatAgo(ms: number, now: number): string {
	const minutes = Math.floor(Math.max(0, now - ms) / 60_000);
	if (minutes < 1) return 'just now';
	if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `${plural(hours, 'hour')} ago`;
	return formatDay(ms);
}

/** When a group was last opened, as the home page says it: "opened just now", "opened 5 minutes ago", a date. */
export function formatOpened(ms: number, now: number): string {
	if (!(ms > 0)) return 'not opened yet';
	return `opened ${formatAgo(ms, now)}`;
}
