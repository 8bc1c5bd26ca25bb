// The colours a member can pick to be told apart in a group: clearly different hues, each dark
// enough for white text on it and for coloured text on white (WCAG AA, 4.5:1).
export interface MemberColour {
	name: string;
	hex: string;
}

export const MEMBER_PALETTE: readonly MemberColour[] = [
	{ name: 'Red', hex: '#b91c1c' },
	{ name: 'Orange', hex: '#b45309' },
	{ name: 'Olive', hex: '#4d7c0f' },
	{ name: 'Teal', hex: '#0f766e' },
	{ name: 'Blue', hex: '#1d4ed8' },
	{ name: 'Purple', hex: '#7e22ce' },
	{ name: 'Pink', hex: '#be185d' },
	{ name: 'Brown', hex: '#78350f' },
	{ name: 'Slate', hex: '#475569' }
];

/** The palette's name for a colour, or the colour itself when it is not one of the palette's. */
export function colourName(hex: string): string {
	return MEMBER_PALETTE.find((c) => c.hex.toLowerCase() === hex.toLowerCase())?.name ?? hex;
}

/** The first palette's colours, as profiles may still hold them, and the palette colour each became. */
const EARLIER_COLOURS: Record<string, string> = {
	'#c0392b': '#b91c1c',
	'#922b21': '#b91c1c',
	'#b9770e': '#b45309',
	'#a04000': '#78350f',
	'#196f3d': '#4d7c0f',
	'#117a65': '#0f766e',
	'#2471a3': '#1d4ed8',
	'#1f618d': '#475569',
	'#8e44ad': '#7e22ce',
	'#6c3483': '#be185d'
};

/** A profile's colour as one of the palette's, so the picker shows it chosen. */
export function paletteColour(hex: string): string {
	const lower = hex.toLowerCase();
	if (MEMBER_PALETTE.some((c) => c.hex === lower)) return lower;
	return EARLIER_COLOURS[lower] ?? hex;
}
