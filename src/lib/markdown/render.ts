// Renders a member's Markdown note to HTML that is safe to insert: marked for the syntax, DOMPurify
// for the result, with only http(s) and mailto links kept, each opening in a new tab.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

const ALLOWED_TAGS = [
	'p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
	'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'
];
const SAFE_LINK = /^(https?:|mailto:)/i;

let instance: ReturnType<typeof DOMPurify> | null = null;

/** A DOMPurify of its own, so its link rules never change anyone else's sanitising. */
function purifier(): ReturnType<typeof DOMPurify> {
	if (!instance) {
		instance = DOMPurify(window);
		instance.addHook('afterSanitizeAttributes', (node) => {
			if (node.tagName !== 'A') return;
			const href = node.getAttribute('href') ?? '';
			if (!SAFE_LINK.test(href.trim())) {
				node.removeAttribute('href');
				return;
			}
			node.setAttribute('target', '_blank');
			node.setAttribute('rel', 'noopener noreferrer nofollow');
		});
	}
	return instance;
}

export function renderMarkdown(text: string): string {
	const html = marked.parse(text) as string;
	return purifier().sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: ['href', 'title', 'target', 'rel'] });
}
