// Clock, ids and the one-transaction-per-action rule shared by every write.
import * as Y from 'yjs';
import { ModelError } from './errors';
import { SCHEMA_VERSION, roots } from './schema';
import type { Actor } from './types';

export function now(actor: Actor): number {
	return actor.now ? actor.now() : Date.now();
}

/** A random 128-bit id, hex. */
export function randomId(): string {
	const bytes = new Uint8Array(16);
	globalThis.crypto.getRandomValues(bytes);
	let out = '';
	for (const b of bytes) out += b.toString(16).padStart(2, '0');
	return out;
}

export function newId(actor: Actor): string {
	return actor.newId ? actor.newId() : randomId();
}

export function schemaVersionOf(doc: Y.Doc): number {
	const v = roots(doc).meta.get('schemaVersion');
	return typeof v === 'number' ? v : 0;
}

export function isWritable(doc: Y.Doc): boolean {
	return schemaVersionOf(doc) <= SCHEMA_VERSION;
}

/** Refuses to write a document that a newer schema wrote (invariant 6). */
export function assertWritable(doc: Y.Doc): void {
	if (!isWritable(doc)) {
		throw new ModelError(
			'schema-too-new',
			'This group was saved by a newer version of Commonplace. Update the app to edit it; until then it is read-only.'
		);
	}
}

/**
 * The origin of writes that keep the group's books rather than record what a member did (a view
 * counted, page details filled in by the relay): not a change of theirs to count as waiting or undo.
 */
export function bookkeepingOrigin(actor: Actor): Actor {
	return { ...actor, bookkeeping: true };
}

/** Whether a transaction's origin is a member's own edit (and not bookkeeping or a remote update). */
export function isBookkeeping(origin: unknown): boolean {
	return typeof origin === 'object' && origin !== null && (origin as Actor).bookkeeping === true;
}

/**
 * Records that the group changed at `at` (ms), for feeds' Last-Modified. Only a later second is
 * written, so live typing writes it at most once a second, and an import carrying old dates never
 * moves it back.
 */
export function markChanged(doc: Y.Doc, at: number): void {
	const meta = roots(doc).meta;
	const previous = meta.get('changedAt');
	if (typeof previous !== 'number' || Math.floor(at / 1000) > Math.floor(previous / 1000)) meta.set('changedAt', at);
}

/** When anything in the group last changed, as its writers' clocks said; 0 when never recorded. */
export function lastChangeOf(doc: Y.Doc): number {
	const at = roots(doc).meta.get('changedAt');
	return typeof at === 'number' && Number.isFinite(at) ? at : 0;
}

/** Runs one user action as one transaction whose origin is the actor. */
export function write<T>(doc: Y.Doc, actor: Actor, fn: () => T): T {
	assertWritable(doc);
	let result!: T;
	doc.transact((tr) => {
		result = fn();
		// A write that changed nothing (saving a page again with the same tags) leaves the date alone.
		if (tr.changed.size > 0) markChanged(doc, now(actor));
	}, actor);
	return result;
}

export function validMemberId(memberId: string): string {
	if (!memberId || /[\u0000-\u001f]/.test(memberId) || memberId.length > 128) {
		throw new ModelError('invalid-input', 'A member id must be 1 to 128 printable characters.');
	}
	return memberId;
}
