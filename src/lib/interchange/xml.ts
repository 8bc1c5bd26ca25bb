// Escaping for XML and HTML text: every piece of user text passes through here before it reaches a
// feed, an OPML file or an exported page.

// XML 1.0 allows tab, newline, carriage return and the ranges below; anything else (other control
// characters, lone surrogates, U+FFFE/U+FFFF) makes a document unreadable, so it is removed.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes the characters XML 1.0 forbids. */
export function xmlSafe(text: unknown): string {
	return String(text ?? '').replace(NOT_XML_CHAR, '');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content or a quoted attribute value, in XML or HTML. */
export function escapeXml(text: unknown): string {
	return xmlSafe(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Only http(s) addresses become links; anything else is shown as text. */
export function isWebLink(url: string): boolean {
	return /^https?:\/\//i.test(url.trim());
}
