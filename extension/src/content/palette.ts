// Highlight names for the CSS Custom Highlight API. The app's member colours have rules in the
// extension's own stylesheet (content.css, which no page script can remove); other colours get a
// rule in a constructed stylesheet.
import { MEMBER_COLORS } from '$lib/storage/registry';

export const PALETTE: readonly string[] = MEMBER_COLORS;

/** The highlight name for a colour, and whether content.css already paints it. */
export function highlightName(color: string): { name: string; builtIn: boolean } {
	const index = PALETTE.indexOf(color.toLowerCase());
	if (index !== -1) return { name: `commonplace-p${index}`, builtIn: true };
	return { name: `commonplace-c${color.replace(/[^0-9a-f]/gi, '').toLowerCase().slice(0, 6)}`, builtIn: false };
}

/** The CSS that paints a highlight name in a colour, translucent so the text stays readable. */
export function highlightRule(name: string, color: string): string {
	const hex = /^#[0-9a-f]{6}$/i.test(color) ? color : '#b9770e';
	return `::highlight(${name}) { background-color: ${hex}40; text-decoration: underline ${hex} 2px; text-underline-offset: 2px; }`;
}
