// The member palette: distinct colours that text can be read on, and on white.
import { describe, expect, it } from 'vitest';
import { MEMBER_PALETTE, colourName, paletteColour } from './palette';
import { MEMBER_COLORS } from './registry';

function channels(hex: string): number[] {
	return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
}

/** WCAG relative luminance and contrast ratio. */
function contrast(a: string, b: string): number {
	const lum = (hex: string) => {
		const [r, g, bl] = channels(hex);
		return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

/** CIE L*a*b* (D65), for the distance between two colours as people see it (ΔE 1976). */
function lab(hex: string): number[] {
	const [r, g, b] = channels(hex);
	const x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047;
	const y = r * 0.2126 + g * 0.7152 + b * 0.0722;
	const z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883;
	const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
	return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

const deltaE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]));

describe('the member palette', () => {
	it('has white text and text on white readable on every colour (4.5:1)', () => {
		for (const { hex } of MEMBER_PALETTE) expect(contrast(hex, '#ffffff'), hex).toBeGreaterThanOrEqual(4.5);
	});

	it('has no two colours that look alike', () => {
		for (const [i, a] of MEMBER_PALETTE.entries()) {
			for (const b of MEMBER_PALETTE.slice(i + 1)) expect(deltaE(a.hex, b.hex), `${a.name} and ${b.name}`).toBeGreaterThan(20);
		}
	});

	it('is the one the registry gives new profiles, with a name for each colour', () => {
		expect(MEMBER_COLORS).toEqual(MEMBER_PALETTE.map((c) => c.hex));
		expect(new Set(MEMBER_PALETTE.map((c) => c.name)).size).toBe(MEMBER_PALETTE.length);
		expect(colourName('#1D4ED8')).toBe('Blue');
		expect(colourName('#123456')).toBe('#123456');
	});

	it('turns a colour of the first palette into one of this one, so the picker shows it chosen', () => {
		expect(paletteColour('#2471a3')).toBe('#1d4ed8');
		expect(paletteColour('#1D4ED8')).toBe('#1d4ed8');
		expect(paletteColour('#123456')).toBe('#123456');
		for (const old of ['#c0392b', '#8e44ad', '#2471a3', '#117a65', '#b9770e', '#a04000', '#1f618d', '#6c3483', '#196f3d', '#922b21']) {
			expect(MEMBER_PALETTE.map((c) => c.hex)).toContain(paletteColour(old));
		}
	});
});
