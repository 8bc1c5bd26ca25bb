// Who may register a new group on this relay (SPEC §5): anyone when it only listens on loopback,
// otherwise only holders of the relay's creation token, unless the operator opened creation.
import { isIP } from 'node:net';
import type { ResolvedAuthConfig } from './config';
import { sameSecret } from './tokens';

export type CreationRule = 'open' | 'create-token' | 'closed';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
	const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
	if (h === 'localhost' || h.endsWith('.localhost')) return true;
	if (h === '::1') return true;
	const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
	return isIP(v4) === 4 && v4.startsWith('127.');
}

export function creationRule(config: ResolvedAuthConfig): CreationRule {
	if (config.openCreation) return 'open';
	if (isLoopbackHost(config.host) && !config.publicBind) return 'open';
	return config.createToken ? 'create-token' : 'closed';
}

/** Whether a connection presenting `createToken` may create a group. */
export function mayCreate(config: ResolvedAuthConfig, createToken: string | null): boolean {
	const rule = creationRule(config);
	if (rule === 'open') return true;
	if (rule === 'closed' || !createToken || !config.createToken) return false;
	return sameSecret(createToken, config.createToken);
}
