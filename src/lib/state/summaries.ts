// What the home page shows of each group before opening it (item count, last activity), remembered
// in localStorage each time the group is open, so the list appears at once without loading documents.

export interface GroupSummary {
	items: number;
	lastActivity: number;
}

const KEY = 'commonplace:summaries';

function readAll(): Record<string, GroupSummary> {
	try {
		const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
		return parsed && typeof parsed === 'object' ? (parsed as Record<string, GroupSummary>) : {};
	} catch {
		return {};
	}
}

export function readSummaries(): Record<string, GroupSummary> {
	return readAll();
}

export function saveSummary(groupId: string, summary: GroupSummary): void {
	try {
		const all = readAll();
		const old = all[groupId];
		if (old && old.items === summary.items && old.lastActivity === summary.lastActivity) return;
		all[groupId] = summary;
		localStorage.setItem(KEY, JSON.stringify(all));
	} catch {
		// Private browsing or a full quota: the home page just shows less.
	}
}

export function forgetSummary(groupId: string): void {
	try {
		const all = readAll();
		delete all[groupId];
		localStorage.setItem(KEY, JSON.stringify(all));
	} catch {
		// Nothing to forget.
	}
}

/**
 * Calls back when another tab of this browser changes the summaries (a group opened there), so a
 * home page left open stays true. Returns the function that stops listening.
 */
export function onSummariesChange(callback: () => void): () => void {
	const onStorage = (event: StorageEvent) => {
		if (event.key === KEY || event.key === null) callback();
	};
	addEventListener('storage', onStorage);
	return () => removeEventListener('storage', onStorage);
}
