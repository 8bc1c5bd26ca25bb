// Reads a page's details from its HTML: Open Graph, Twitter cards, <title>, the meta description,
// its icon and canonical address. Addresses are resolved against the page (or its <base>) and kept
// only when they are http(s).
import { Parser } from 'htmlparser2';
import { LIMITS } from '../../src/lib/model/index';

export interface PageDetails {
	/** The address the details were read from, after redirects. */
	url: string;
	canonical: string;
	title: string;
	description: string;
	siteName: string;
	image: string;
	favicon: string;
}

function clean(text: string | undefined, max: number): string {
	// eslint-disable-next-line no-control-regex
	return (text ?? '').replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim().slice(0, max);
}

function webUrl(href: string | undefined, base: string): string {
	if (!href || !href.trim()) return '';
	try {
		const url = new URL(href.trim(), base);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.href.length <= LIMITS.url ? url.href : '';
	} catch {
		return '';
	}
}

/** Icons by preference: a plain icon first, then the touch icons of phones. */
function iconRank(rel: string[]): number {
	if (rel.includes('mask-icon')) return -1;
	if (rel.includes('icon')) return 2;
	if (rel.includes('apple-touch-icon') || rel.includes('apple-touch-icon-precomposed')) return 1;
	return -1;
}

export function parsePageDetails(html: string, pageUrl: string): PageDetails {
	const meta = new Map<string, string>();
	let title = '';
	let inTitle = false;
	let titleDone = false;
	let inSvg = 0;
	let base = pageUrl;
	let canonical = '';
	let icon = { href: '', rank: -1 };
	let imageSrc = '';

	const parser = new Parser(
		{
			onopentag(name, attrs) {
				if (name === 'svg') inSvg++;
				if (inSvg) return; // an <svg><title> is not the page's title
				if (name === 'title' && !titleDone) {
					inTitle = true;
					return;
				}
				if (name === 'base' && attrs.href && base === pageUrl) {
					base = webUrl(attrs.href, pageUrl) || pageUrl;
					return;
				}
				if (name === 'meta') {
					const key = (attrs.property || attrs.name || attrs.itemprop || '').trim().toLowerCase();
					if (key && attrs.content !== undefined && !meta.has(key)) meta.set(key, attrs.content);
					return;
				}
				if (name === 'link' && attrs.href) {
					const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
					if (rel.includes('canonical') && !canonical) canonical = attrs.href;
					if (rel.includes('image_src') && !imageSrc) imageSrc = attrs.href;
					const rank = iconRank(rel);
					if (rank > icon.rank) icon = { href: attrs.href, rank };
				}
			},
			ontext(text) {
				if (inTitle) title += text;
			},
			onclosetag(name) {
				if (name === 'svg' && inSvg) inSvg--;
				if (name === 'title' && inTitle) {
					inTitle = false;
					titleDone = true;
				}
			}
		},
		{ decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }
	);
	parser.write(html);
	parser.end();

	const first = (...keys: string[]) => keys.map((k) => meta.get(k)).find((v) => v && v.trim()) ?? '';
	const origin = new URL(pageUrl).origin;
	return {
		url: pageUrl,
		canonical: webUrl(canonical || first('og:url'), base),
		title: clean(first('og:title', 'twitter:title') || title, LIMITS.title),
		description: clean(first('og:description', 'twitter:description', 'description'), 2_000),
		siteName: clean(first('og:site_name', 'application-name'), LIMITS.site),
		image: webUrl(first('og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src') || imageSrc, base),
		favicon: webUrl(icon.href, base) || `${origin}/favicon.ico`
	};
}
