import { describe, expect, it } from 'vitest';
import { anchorPassage } from './anchor';
import { describePassage } from './selector';
import { loadAnchoringFixtures } from '../../../tests/fixtures/anchoring/page-text';

function nthIndex(text: string, search: string, n: number): number {
	let at = -1;
	for (let i = 0; i <= n; i++) {
		at = text.indexOf(search, at + 1);
		if (at === -1) break;
	}
	return at;
}

describe('anchoring highlights on pages that changed', () => {
	for (const fixture of loadAnchoringFixtures()) {
		describe(fixture.name, () => {
			for (const c of fixture.cases) {
				it(`${c.expect}: ${c.why}`, () => {
					const at = nthIndex(fixture.before, c.select, c.occurrence ?? 0);
					expect(at, 'the passage is on the page before the edit').toBeGreaterThanOrEqual(0);
					const selector = describePassage(fixture.before, at, at + c.select.length)!;
					const found = anchorPassage(fixture.after, selector);
					if (c.expect === 'orphan') {
						expect(found).toBeNull();
						return;
					}
					expect(found).not.toBeNull();
					expect(found!.method).toBe(c.expect);
					expect(fixture.after.slice(found!.start, found!.end)).toBe(c.text ?? c.select);
					if (c.contextAfter) expect(fixture.after.slice(found!.end).startsWith(c.contextAfter)).toBe(true);
				});
			}
		});
	}
});

describe('anchorPassage', () => {
	const text = 'alpha beta gamma. alpha beta delta. alpha beta gamma again.';

	it('takes the recorded position when the quote is still there', () => {
		const selector = describePassage(text, 18, 28)!;
		expect(anchorPassage(text, selector)).toEqual({ start: 18, end: 28, method: 'position' });
	});

	it('chooses the occurrence whose prefix and suffix fit, wherever the position says', () => {
		const selector = { exact: 'alpha beta', prefix: 'gamma. ', suffix: ' delta', position: { start: 0, end: 10 } };
		expect(anchorPassage('xx' + text, selector)).toEqual({ start: 20, end: 30, method: 'quote' });
	});

	it('finds a quote without any position', () => {
		expect(anchorPassage(text, { exact: 'delta', prefix: '', suffix: '' })).toMatchObject({ start: 29, method: 'quote' });
	});

	it('leaves a passage that is gone as an orphan rather than matching something unlike it', () => {
		expect(anchorPassage(text, { exact: 'the quick brown fox jumps', prefix: '', suffix: '' })).toBeNull();
		expect(anchorPassage('', { exact: 'alpha', prefix: '', suffix: '' })).toBeNull();
	});

	it('does not describe an empty or blank passage', () => {
		expect(describePassage(text, 5, 6)).toBeNull();
		expect(describePassage(text, 3, 3)).toBeNull();
		expect(describePassage(text, 4, 11)).toMatchObject({ exact: 'a beta', position: { start: 4, end: 10 } });
	});
});
