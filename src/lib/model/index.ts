// The group model: the Yjs schema of a group and every read and write on it. Imports yjs only.
export * from './types';
export * from './errors';
export { SCHEMA_VERSION, SEP, HIDDEN_ROOT, roots, descriptionText } from './schema';
export { isWritable, assertWritable, schemaVersionOf, randomId, bookkeepingOrigin, isBookkeeping, markChanged, lastChangeOf } from './actor';
export { LIMITS, normalizeTag, parseTagList, replaceText, cleanLine, cleanText } from './text';
export { normalizeUrl, parseWebUrl, itemIdForUrl, legacyItemIdForUrl, siteFromUrl, hash64 } from './url';
export * from './group';
export {
	addItem,
	editItem,
	deleteItem,
	restoreItem,
	addTags,
	removeTag,
	setTags,
	itemTags,
	countView,
	hasItem,
	findItemIdForUrl,
	readDescription,
	fillPageDetails,
	type AddResult
} from './items';
export * from './annotations';
export * from './replies';
export * from './moderation';
export * from './visibility';
export * from './mentions';
export * from './threads';
export * from './read';
export * from './queries';
export * from './version';
export * from './cover';
