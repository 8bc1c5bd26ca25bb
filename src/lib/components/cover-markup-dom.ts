// The group page's first screen as markup to keep (storage/cover-markup.ts), and the kept markup the
// service worker put in the page taken away once the app draws the page itself.
import DOMPurify from 'dompurify';
import { version } from '$app/environment';
import { COVER_MARKUP_ELEMENT_ID, type CoverMarkup } from '$lib/storage/cover-markup';

/** Parts of the header that are live or per tab: status, presence, undo. */
const LIVE_PARTS = '.live, .undo, .notices';
/** Attributes that would clash with the live page's, or point into it, while both are in the document. */
const LINKING_ATTRIBUTES = ['id', 'for', 'aria-labelledby', 'aria-describedby', 'aria-controls', 'tabindex'];

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** Parts sanitised on their own, each in a task of its own: the rows, and the tags and members beside them. */
const PIECES = 'article.item, aside';

/**
 * The group's header and `page` (the items page's root element) as markup to show next time:
 * sanitised (no scripts, no handlers, only safe links), with no ids and none of the header's live
 * parts; with the stylesheets of this origin it needs. Null when there is nothing to keep. The
 * sanitising of a whole page took the page's thread 50–100 ms in one go, so its rows and side are
 * sanitised one at a time, with `pause` between them, and put back in place.
 */
export async function captureCoverMarkup(groupId: string, page: Element, pause: () => Promise<void>): Promise<CoverMarkup | null> {
	const header = document.querySelector('header.group-header');
	if (!header || !page.isConnected) return null;
	const holder = document.createElement('div');
	holder.append(header.cloneNode(true), page.cloneNode(true));
	for (const part of holder.querySelectorAll(LIVE_PARTS)) part.remove();
	for (const element of holder.querySelectorAll('*')) for (const name of LINKING_ATTRIBUTES) element.removeAttribute(name);
	purifier ??= DOMPurify(window);
	// `elementtiming` is kept so the first item's paint is timed from the kept screen too.
	const sanitize = (markup: string) => purifier!.sanitize(markup, { FORBID_TAGS: ['style', 'form'], ADD_ATTR: ['elementtiming'], KEEP_CONTENT: true });
	// Each piece leaves a marker no content can forge (a fresh random token, in an attribute).
	const token = crypto.randomUUID();
	const pieces: string[] = [];
	for (const piece of holder.querySelectorAll(PIECES)) {
		if (piece.parentElement?.closest(PIECES)) continue;
		await pause();
		const marker = document.createElement('i');
		marker.dataset.coverPiece = `${token}-${pieces.length}`;
		pieces.push(sanitize(piece.outerHTML));
		piece.replaceWith(marker);
	}
	await pause();
	if (!page.isConnected) return null;
	const html = sanitize(holder.innerHTML).replace(new RegExp(`<i data-cover-piece="${token}-(\\d+)"></i>`, 'g'), (_, n: string) => pieces[Number(n)] ?? '');
	const stylesheets = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')]
		.map((link) => new URL(link.href, location.href))
		.filter((url) => url.origin === location.origin)
		.map((url) => url.pathname);
	return { version: 1, appVersion: version, groupId, html, stylesheets };
}

/** Takes the markup the service worker showed out of the page, unless it is `groupId`'s (null: always). */
export function dropCoverMarkupUnlessFor(groupId: string | null): void {
	const shown = document.getElementById(COVER_MARKUP_ELEMENT_ID);
	if (shown && (groupId === null || shown.dataset.group !== groupId)) shown.remove();
}
