// Browser figures for the big group (placeholder until the app's group page exists).
import type { BigGroupSize } from '../big-group/build';

export type BrowserFigures = { measured: true; firstPageMs: number; searchMs: number; searchWord: string } | { measured: false; reason: string };

export async function measureBrowser(_size: BigGroupSize): Promise<BrowserFigures> {
	return { measured: false, reason: 'not written yet' };
}
