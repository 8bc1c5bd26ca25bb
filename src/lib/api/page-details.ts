// Asks the relay for a page's details (GET /api/groups/<id>/page-info?url=): its title,
// description, site name, icon and preview image, read by the relay from the page itself.
import type { PageDetails } from '$lib/model';

export type PageDetailsAnswer =
	| { ok: true; details: PageDetails }
	/** `retry`: the relay could not be asked now (offline, busy); otherwise the page cannot be read. */
	| { ok: false; retry: boolean; message: string };

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

export async function readPageDetails(groupId: string, token: string, url: string, signal?: AbortSignal): Promise<PageDetailsAnswer> {
	let response: Response;
	try {
		response = await fetch(`/api/groups/${encodeURIComponent(groupId)}/page-info?url=${encodeURIComponent(url)}`, {
			headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
			cache: 'no-store',
			signal
		});
	} catch {
		return { ok: false, retry: true, message: 'The relay cannot be reached.' };
	}
	const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
	if (!response.ok) {
		// Busy, or an answer from something that is not the relay (a proxy, the service worker offline).
		const retry = response.status === 429 || response.status === 503 || body === null;
		return { ok: false, retry, message: text(body?.error) || 'The page’s details could not be read.' };
	}
	return {
		ok: true,
		details: {
			title: text(body?.title),
			description: text(body?.description),
			site: text(body?.siteName),
			image: text(body?.image),
			favicon: text(body?.favicon)
		}
	};
}
