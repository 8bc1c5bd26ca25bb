// Renders a member's Markdown (notes, and notes on highlights) to HTML that is safe to insert.
// Chromium checks an event-handler attribute against the CSP as soon as any document (even an
// inert one, as sanitisers use) parses it, so the HTML string itself must never carry one: raw HTML
// in a note is shown as the text it is, images as their description, and a link that is not
// http(s) or mailto as its plain text. DOMPurify then checks marked's output, so only the allowed
// tags and attributes reach the page; links open in a new tab.
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

const SAFE_LINK = /^(https?:|mailto:)/i;

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Who a mention names, for the text being rendered (rendering is synchronous, so one at a time). */
let mentionName: (memberId: string) => string | null = () => null;

const marked = new Marked({ gfm: true, breaks: true, async: false });
marked.use({
	// `@[Name](member:ID)` (see src/lib/model/mentions.ts) shows as @ and the member's current name.
	extensions: [
		{
			name: 'mention',
			level: 'inline',
			start: (src: string) => {
				const at = src.indexOf('@[');
				return at < 0 ? undefined : at;
			},
			tokenizer(src: string) {
				const match = /^@\[([^\]\n]{0,200})\]\(member:([A-Za-z0-9_-]{1,128})\)/.exec(src);
				if (!match) return undefined;
				return { type: 'mention', raw: match[0], name: match[1], memberId: match[2] };
			},
			renderer(token) {
				const name = mentionName(String(token.memberId)) ?? String(token.name);
				return `<span class="mention">@${escapeHtml(name)}</span>`;
			}
		}
	],
	renderer: {
		html({ text }: Tokens.HTML | Tokens.Tag): string {
			return escapeHtml(text);
		},
		image({ text }: Tokens.Image): string {
			return escapeHtml(text);
		},
		link(token: Tokens.Link): string | false {
			// The default renderer draws safe links; anything else is the link's text alone.
			if (SAFE_LINK.test(token.href.trim())) return false;
			return this.parser.parseInline(token.tokens);
		}
	}
});

const BLOCK_TAGS = ['span', 'p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const INLINE_TAGS = ['span', 'br', 'strong', 'em', 'del', 'code', 'a'];
const ALLOWED_ATTR = ['href', 'title', 'target', 'rel', 'class'];

let instance: ReturnType<typeof DOMPurify> | null = null;

/** A DOMPurify of its own, so its link rules never change anyone else's sanitising. */
function purifier(): ReturnType<typeof DOMPurify> {
	if (instance) return instance;
	const purify = DOMPurify(window);
	purify.addHook('uponSanitizeAttribute', (_node, data) => {
		if (/^on/i.test(data.attrName)) data.keepAttr = false;
	});
	purify.addHook('afterSanitizeAttributes', (node) => {
		if (node.tagName !== 'A') return;
		if (!SAFE_LINK.test((node.getAttribute('href') ?? '').trim())) node.removeAttribute('href');
		node.setAttribute('target', '_blank');
		node.setAttribute('rel', 'noopener noreferrer nofollow');
	});
	instance = purify;
	return purify;
}

/** Names members for mentions; null keeps the name the mention was written with. */
export type MentionNames = (memberId: string) => string | null;

/** The HTML marked makes of a note, before sanitising: it never holds a tag the member typed. */
export function markdownHtml(text: string, inline = false, names: MentionNames = () => null): string {
	mentionName = names;
	try {
		return (inline ? marked.parseInline(text) : marked.parse(text)) as string;
	} finally {
		mentionName = () => null;
	}
}

/**
 * Most notes are a plain sentence: letters, digits, spaces and ,.;? only, on one line, not starting
 * like a list item nor holding an address to link or a mention. Markdown leaves such text as it is,
 * so it needs neither parsing nor sanitising (a page of a big group renders hundreds of notes at once).
 */
const PLAIN = /^[\p{L}\p{N}][\p{L}\p{N} ,.;?]*$/u;

function isPlain(text: string): boolean {
	return PLAIN.test(text) && !text.includes('  ') && !/\s$/.test(text) && !/^\d+[.)]/.test(text) && !/www\./i.test(text);
}

/**
 * The last notes rendered, by text: a page drawn again (the group read behind its cover, a change
 * elsewhere in the group) shows the same notes, which need not be parsed and sanitised again. A
 * note with a mention is not kept, as the member's name may change.
 */
const rendered = new Map<string, string>();
const RENDERED_KEPT = 1_000;

function remembered(key: string, text: string, render: () => string): string {
	if (text.includes('@[')) return render();
	const found = rendered.get(key);
	if (found !== undefined) return found;
	const html = render();
	if (rendered.size >= RENDERED_KEPT) rendered.delete(rendered.keys().next().value as string);
	rendered.set(key, html);
	return html;
}

/** A note or reply as block HTML (paragraphs, lists, quotes). */
export function renderMarkdown(text: string, names?: MentionNames): string {
	if (isPlain(text)) return `<p>${text}</p>\n`;
	return remembered(`b${text}`, text, () => purifier().sanitize(markdownHtml(text, false, names), { ALLOWED_TAGS: BLOCK_TAGS, ALLOWED_ATTR }));
}

/** A short note (on a highlight) as inline HTML, to sit on the line after the passage. */
export function renderInlineMarkdown(text: string, names?: MentionNames): string {
	if (isPlain(text)) return text;
	return remembered(`i${text}`, text, () => purifier().sanitize(markdownHtml(text, true, names), { ALLOWED_TAGS: INLINE_TAGS, ALLOWED_ATTR }));
}

/** The full path, parsing and sanitising, for tests to compare the plain-sentence shortcut with. */
export function renderMarkdownFully(text: string, inline = false): string {
	return purifier().sanitize(markdownHtml(text, inline), { ALLOWED_TAGS: inline ? INLINE_TAGS : BLOCK_TAGS, ALLOWED_ATTR });
}
