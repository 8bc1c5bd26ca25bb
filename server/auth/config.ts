// The settings access control reads, with their defaults. The relay passes its whole configuration;
// only these fields are read, so any object that has some of them will do.

export interface AuthConfig {
	/** The address the relay listens on; creation is open by default only on loopback. */
	host?: string;
	/** The relay's creation token (`CREATE_TOKEN`): lets anyone who has it create groups on a public relay. */
	createToken?: string | null;
	/** Lets anyone create groups, even on a public relay (`OPEN_CREATION=1`). */
	openCreation?: boolean;
	/**
	 * The relay is reachable from outside although it listens on loopback, e.g. behind a reverse proxy
	 * on the same machine (`PUBLIC_BIND=1`): creation then follows the public rules.
	 */
	publicBind?: boolean;
	/** The relay sits behind a reverse proxy; it then counts as public, like `publicBind`. */
	trustProxy?: boolean;
	/** Bad tokens from one address within `badTokenWindowMs` before its refusals are slowed down. */
	badTokenSlowAfter?: number;
	/** Bad tokens from one address within `badTokenWindowMs` before it is refused outright. */
	badTokenLimit?: number;
	badTokenWindowMs?: number;
	/** How long an address that hit `badTokenLimit` is refused. */
	badTokenBlockMs?: number;
	/** Largest JSON body the HTTP API accepts. */
	apiMaxBodyBytes?: number;
}

export type ResolvedAuthConfig = Required<Omit<AuthConfig, 'createToken' | 'trustProxy'>> & { createToken: string | null };

export const authDefaults: ResolvedAuthConfig = {
	host: '127.0.0.1',
	createToken: null,
	openCreation: false,
	publicBind: false,
	badTokenSlowAfter: 5,
	badTokenLimit: 20,
	badTokenWindowMs: 60_000,
	badTokenBlockMs: 10 * 60_000,
	apiMaxBodyBytes: 16 * 1024
};

export function resolveAuthConfig(config: AuthConfig): ResolvedAuthConfig {
	const pick = <K extends keyof ResolvedAuthConfig>(key: K): ResolvedAuthConfig[K] =>
		(config[key] ?? authDefaults[key]) as ResolvedAuthConfig[K];
	return {
		host: pick('host'),
		createToken: config.createToken ? config.createToken : null,
		openCreation: Boolean(config.openCreation),
		publicBind: Boolean(config.publicBind || config.trustProxy),
		badTokenSlowAfter: pick('badTokenSlowAfter'),
		badTokenLimit: pick('badTokenLimit'),
		badTokenWindowMs: pick('badTokenWindowMs'),
		badTokenBlockMs: pick('badTokenBlockMs'),
		apiMaxBodyBytes: pick('apiMaxBodyBytes')
	};
}
