// Ids that callers may choose (imports, the extension): a short safe alphabet.
import { ModelError } from './errors';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function checkId(id: string): string {
	if (!ID.test(id)) throw new ModelError('invalid-input', 'An id must be 1 to 64 letters, digits, "-" or "_".');
	return id;
}
