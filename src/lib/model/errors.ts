// Errors the model throws; each message tells the user what happened and what to do.

export type ModelErrorCode =
	| 'invalid-url'
	| 'unsupported-url'
	| 'invalid-input'
	| 'too-long'
	| 'not-found'
	| 'not-allowed'
	| 'schema-too-new'
	| 'no-group';

export class ModelError extends Error {
	readonly code: ModelErrorCode;
	constructor(code: ModelErrorCode, message: string) {
		super(message);
		this.name = 'ModelError';
		this.code = code;
	}
}
