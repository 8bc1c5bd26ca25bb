// Renders a member's Markdown (notes, and notes on highlights) to HTML that is safe to insert:
// marked for the syntax, then DOMPurify on the HTML string, in an inert document, before anything
// reaches the page. Only http(s) and mailto links stay links (opening in a new tab); any other link
// becomes its plain text, and no element keeps an event-handler attribute.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

const BLOCK_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const INLINE_TAGS = ['br', 'strong', 'em', 'del', 'code', 'a'];
const ALLOWED_ATTR = ['href', 'title', 'target', 'rel'];
const SAFE_LINK = /^(https?:|mailto:)/i;

let instance: ReturnType<typeof DOMPurify> | null = null;

/** A DOMPurify of its own, so its link rules never change anyone else's sanitising. */
function purifier(): ReturnType<typeof DOMPurify> {
	if (instance) return instance;
	const purify = DOMPurify(window);
	purify.addHook('uponSanitizeElement', (node, data) => {
		// A link that may not be followed is shown as its text, not as a link that does nothing.
		if (data.tagName !== 'a' || node.nodeType !== 1) return;
		const link = node as Element;
		if (SAFE_LINK.test((link.getAttribute('href') ?? '').trim())) return;
		// Its content moves into a span in its place, which the sanitiser visits next like any node.
		const span = link.ownerDocument.createElement('span');
		span.append(...link.childNodes);
		link.replaceWith(span);
	});
	purify.addHook('uponSanitizeAttribute', (_node, data) => {
		// Never rely on the allow-list alone for handlers: drop every on* attribute outright.
		if (/^on/i.test(data.attrName)) data.keepAttr = false;
	});
	purify.addHook('afterSanitizeAttributes', (node) => {
		if (node.tagName !== 'A') return;
		node.setAttribute('target', '_blank');
		node.setAttribute('rel', 'noopener noreferrer nofollow');
	});
	instance = purify;
	return purify;
}

/** A note as block HTML (paragraphs, lists, quotes). */
export function renderMarkdown(text: string): string {
	const html = marked.parse(text) as string;
	return purifier().sanitize(html, { ALLOWED_TAGS: BLOCK_TAGS, ALLOWED_ATTR });
}

/** A short note (on a highlight) as inline HTML, to sit on the line after the passage. */
export function renderInlineMarkdown(text: string): string {
	const html = marked.parseInline(text) as string;
	return purifier().sanitize(html, { ALLOWED_TAGS: INLINE_TAGS, ALLOWED_ATTR });
}
