// The sync status in words, for the status bar.
import type { SyncStatus } from './types';

export interface StatusText {
	label: string;
	/** A longer explanation, shown for errors. */
	detail?: string;
	tone: 'ok' | 'busy' | 'offline' | 'error';
}

function changes(n: number): string {
	return n === 1 ? '1 change waiting' : `${n.toLocaleString('en')} changes waiting`;
}

export function describeStatus(status: SyncStatus): StatusText {
	switch (status.kind) {
		case 'loading': {
			const progress = status.progress;
			if (!progress) return { label: 'Opening…', tone: 'busy' };
			const percent = progress.total ? ` ${Math.floor((100 * progress.done) / progress.total)}%` : '';
			return { label: progress.step === 'receiving' ? `Receiving the group…${percent}` : `Opening the group…${percent}`, tone: 'busy' };
		}
		case 'connecting':
			return { label: status.pending > 0 ? `Connecting… — ${changes(status.pending)}` : 'Connecting…', tone: 'busy' };
		case 'syncing':
			return { label: 'Syncing…', tone: 'busy' };
		case 'synced':
			return { label: 'Up to date', tone: 'ok' };
		case 'offline':
			return { label: status.pending > 0 ? `Offline — ${changes(status.pending)}` : 'Offline — no changes waiting', tone: 'offline' };
		case 'error': {
			const label =
				status.reason === 'storage'
					? 'Not saved in this browser'
					: status.reason === 'schema'
						? 'Read-only: update needed'
						: status.reason === 'revoked' || status.reason === 'bad-token'
							? 'Invite no longer valid'
							: status.reason === 'deleted'
								? 'Group deleted'
							: 'Relay refused to sync';
			const waiting = status.pending > 0 ? ` (${changes(status.pending)})` : '';
			return { label: label + waiting, detail: status.message, tone: 'error' };
		}
	}
}
