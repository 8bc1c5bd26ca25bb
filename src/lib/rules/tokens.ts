// The shape of a group's tokens, shared by the relay (which makes and checks them) and the app
// (which makes an owner token for a group created offline and reads invite links).

/** URL-safe base64 characters; at least 22 of them is 128 bits. */
export const TOKEN_MIN_LENGTH = 22;
/** Tokens longer than this are refused before hashing. */
export const TOKEN_MAX_LENGTH = 256;

const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${TOKEN_MIN_LENGTH},${TOKEN_MAX_LENGTH}}$`);

/** True when `token` looks like one the relay makes or accepts: 22–256 URL-safe characters. */
export function isTokenShaped(token: string): boolean {
	return TOKEN_SHAPE.test(token);
}

