// How times and counts read on the pages: a stable absolute date (it never ticks, so nothing moves).

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatWhen(ms: number): string {
	return ms > 0 ? dateTime.format(ms) : 'an unknown time';
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
