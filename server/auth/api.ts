// The relay's HTTP API for members and owners, under /api/groups/<groupId>/: joining, invites,
// members, feed links, the member's own role, exports, the group's cover and whole state for a new
// device, and deleting the group. JSON in and out (the whole state is bytes); the token comes as
// `Authorization: Bearer`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import type { GroupAccess } from './access';
import { MEMBER_ROLES } from './access';
import type { TokenRecord } from './store';
import type { ApiContext, MemberRole, Refusal } from './types';
import { changeRole, joinGroup, listInviteLinks, listMembers, removeMember, type InviteEntry } from './members';
import { getGroupInfo, hasGroup, readCover } from '../../src/lib/model/index';
import { readOncePerChange } from '../kept-until-change';
import { isExportFormat } from '../../src/lib/interchange/export/formats';

class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly headers: Record<string, string> = {},
		/** For a refusal: the close code a connection would get, so the app reads both alike. */
		readonly closeCode?: number
	) {
		super(message);
	}
}

const MAX_LABEL = 100;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text),
		...headers
	});
	res.end(text);
}

function bearer(req: IncomingMessage): string | null {
	const header = req.headers.authorization;
	if (!header) return null;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return match ? match[1] : null;
}

async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > limit) throw new ApiError(413, `The request is too large (at most ${limit} bytes).`);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) throw new ApiError(413, `The request is too large (at most ${limit} bytes).`);
		chunks.push(chunk);
	}
	const text = Buffer.concat(chunks).toString('utf8').trim();
	if (!text) return {};
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new ApiError(400, 'The request body is not valid JSON.');
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw new ApiError(400, 'The request body must be a JSON object.');
	}
	return body as Record<string, unknown>;
}

function refusalError(refusal: Refusal): ApiError {
	const headers: Record<string, string> = {};
	if (refusal.status === 401) headers['www-authenticate'] = 'Bearer';
	if (refusal.retryAfterMs) headers['retry-after'] = String(Math.ceil(refusal.retryAfterMs / 1000));
	return new ApiError(refusal.status, refusal.message, headers, refusal.closeCode);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function invitePayload(record: TokenRecord): InviteEntry {
	return { id: record.id, role: record.role, createdAt: record.createdAt, label: record.label, single: record.maxUses === 1, usedAt: record.usedAt, joined: [] };
}

/** A short name or label from a request body: control characters become spaces; at most MAX_LABEL. */
function shortText(value: unknown, what: string): string {
	if (value !== undefined && typeof value !== 'string') throw new ApiError(400, `${what} must be text.`);
	// eslint-disable-next-line no-control-regex
	const text = (typeof value === 'string' ? value : '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
	if (text.length > MAX_LABEL) throw new ApiError(400, `${what} can be at most ${MAX_LABEL} characters.`);
	return text;
}

function roleOf(value: unknown, what: string): MemberRole {
	if (typeof value !== 'string' || !MEMBER_ROLES.includes(value as MemberRole)) {
		throw new ApiError(400, `Choose the role of the ${what}: owner, editor or viewer.`);
	}
	return value as MemberRole;
}

function feedLinks(groupId: string, token: string) {
	const g = encodeURIComponent(groupId);
	const t = encodeURIComponent(token);
	return { rss: `/feeds/${g}.rss?token=${t}`, atom: `/feeds/${g}.atom?token=${t}`, opml: `/feeds/${g}.opml?token=${t}` };
}

/** The group's name from its document, for the join page; null when the relay has none yet. */
async function groupName(ctx: ApiContext, groupId: string): Promise<string | null> {
	try {
		const doc = await ctx.loadGroupDoc(groupId);
		return doc && hasGroup(doc) ? getGroupInfo(doc).name : null;
	} catch {
		return null;
	}
}

export function createApiHandler(access: GroupAccess) {
	const limit = access.config.apiMaxBodyBytes;

	async function member(req: IncomingMessage, groupId: string, remoteAddress: string): Promise<TokenRecord> {
		const result = access.authenticate(groupId, bearer(req), remoteAddress);
		if ('ok' in result) {
			if (result.delayMs) await sleep(result.delayMs);
			throw refusalError(result);
		}
		return result;
	}

	/**
	 * Someone who may read the group's content, decided exactly as for a connection to its room, so
	 * a token refused there (a feed token, a single-use invite not yet exchanged) is refused here alike.
	 */
	async function reader(req: IncomingMessage, groupId: string, remoteAddress: string): Promise<MemberRole> {
		const grant = await access.authorizeSync({ groupId, token: bearer(req), create: false, createToken: null, remoteAddress });
		if (!grant.ok) {
			if (grant.delayMs) await sleep(grant.delayMs);
			throw refusalError(grant);
		}
		return grant.role;
	}

	async function owner(req: IncomingMessage, groupId: string, remoteAddress: string): Promise<TokenRecord> {
		const record = await member(req, groupId, remoteAddress);
		if (record.role !== 'owner') throw new ApiError(403, 'Only the group’s owner can do this.');
		return record;
	}

	async function route(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): Promise<void> {
		const parts = url.pathname.split('/').slice(1); // ['api', 'groups', id, ...rest]
		if (parts[1] !== 'groups' || !parts[2]) throw new ApiError(404, 'There is no such API address.');
		let groupId: string;
		try {
			groupId = decodeURIComponent(parts[2]);
		} catch {
			throw new ApiError(400, 'This group id is not valid.');
		}
		const rest = parts.slice(3).join('/');
		const method = req.method ?? 'GET';
		const addr = ctx.remoteAddress;
		const allow = (...methods: string[]) => {
			if (!methods.includes(method)) {
				throw new ApiError(405, `Use ${methods.join(' or ')} here.`, { allow: methods.join(', ') });
			}
		};

		if (rest === '') {
			allow('DELETE');
			await owner(req, groupId, addr);
			// Tokens first: from here on nobody can connect, so nothing new is stored while the data goes.
			access.deleteGroup(groupId);
			await ctx.forgetGroup(groupId);
			res.writeHead(204, { 'cache-control': 'no-store' }).end();
			return;
		}
		if (rest === 'me') {
			allow('GET');
			const record = await member(req, groupId, addr);
			return sendJson(res, 200, {
				groupId,
				role: record.role,
				memberId: record.id,
				// The same id, under its older name.
				inviteId: record.id,
				// 'invite': this token is an invite link, which `join` exchanges for the member's own.
				kind: record.kind,
				single: record.kind === 'invite' && record.maxUses === 1,
				name: await groupName(ctx, groupId)
			});
		}
		if (rest === 'join') {
			allow('POST');
			const record = await member(req, groupId, addr);
			const body = await readJson(req, limit);
			const name = shortText(body.name, 'Your name');
			const joined = joinGroup(access, record, bearer(req)!, name);
			if ('ok' in joined) throw refusalError(joined);
			return sendJson(res, joined.record.id === record.id ? 200 : 201, {
				groupId,
				token: joined.token,
				role: joined.record.role,
				memberId: joined.record.id
			});
		}
		if (rest === 'members') {
			allow('GET');
			await owner(req, groupId, addr);
			const online = ctx.onlineTokens?.(groupId) ?? new Set<string>();
			return sendJson(
				res,
				200,
				listMembers(access, groupId).map((m) => ({ ...m, online: online.has(m.id) }))
			);
		}
		if (rest.startsWith('members/')) {
			allow('PATCH', 'DELETE');
			const caller = await owner(req, groupId, addr);
			const memberId = decodeURIComponent(rest.slice('members/'.length));
			if (memberId === caller.id) {
				throw new ApiError(400, 'You cannot change or remove yourself here; another owner can.');
			}
			if (method === 'DELETE') {
				if (!removeMember(access, groupId, memberId)) throw new ApiError(404, 'There is no such member in this group.');
				res.writeHead(204, { 'cache-control': 'no-store' }).end();
				return;
			}
			const body = await readJson(req, limit);
			const role = roleOf(body.role, 'member');
			if (!changeRole(access, groupId, memberId, role)) throw new ApiError(404, 'There is no such member in this group.');
			return sendJson(res, 200, listMembers(access, groupId).find((m) => m.id === memberId));
		}
		if (rest === 'invites') {
			allow('GET', 'POST');
			await owner(req, groupId, addr);
			if (method === 'GET') return sendJson(res, 200, listInviteLinks(access, groupId));
			const body = await readJson(req, limit);
			const role = roleOf(body.role, 'invite');
			const label = shortText(body.label, 'An invite’s label');
			if (body.single !== undefined && typeof body.single !== 'boolean') {
				throw new ApiError(400, '“single” must be true (one person may join with the link) or false (any number).');
			}
			const { token, record } = access.createInvite(groupId, role, label, body.single === true ? 1 : null);
			return sendJson(res, 201, {
				...invitePayload(record),
				token,
				link: `/join/${encodeURIComponent(groupId)}#${token}`
			});
		}
		if (rest.startsWith('invites/')) {
			allow('DELETE');
			const caller = await owner(req, groupId, addr);
			const inviteId = decodeURIComponent(rest.slice('invites/'.length));
			if (inviteId === caller.id) {
				throw new ApiError(400, 'You cannot revoke the link you are using yourself; use another owner link to do it.');
			}
			if (!access.revoke(groupId, inviteId)) throw new ApiError(404, 'There is no active invite with this id in this group.');
			res.writeHead(204, { 'cache-control': 'no-store' }).end();
			return;
		}
		if (rest === 'feed') {
			allow('GET');
			// The feed's token reads the group, so it goes to those who may read it, not to a link.
			await reader(req, groupId, addr);
			return sendJson(res, 200, feedLinks(groupId, access.feedToken(groupId)!));
		}
		if (rest === 'feed/rotate') {
			allow('POST');
			await owner(req, groupId, addr);
			return sendJson(res, 200, feedLinks(groupId, access.rotateFeedToken(groupId)));
		}
		if ((rest === 'history' || rest.startsWith('history/')) && ctx.history) {
			allow('GET');
			// Viewers too: reading the group's past is reading the group.
			await reader(req, groupId, addr);
			const answer = await ctx.history(groupId, rest.slice('history'.length), url.searchParams);
			return sendJson(res, answer.status, answer.body);
		}
		if (rest === 'cover') {
			// What a device that holds nothing of the group shows first: its first page and counts,
			// read as this member reads the group (what owners hid is a placeholder for the others).
			allow('GET');
			const role = await reader(req, groupId, addr);
			const doc = await ctx.openGroupDoc(groupId);
			if (!doc || !hasGroup(doc)) throw new ApiError(404, 'The relay holds no content for this group yet.');
			const isOwner = role === 'owner';
			return sendJson(res, 200, readOncePerChange(doc, isOwner ? 'cover:owner' : 'cover', () => readCover(doc, { owner: isOwner })));
		}
		if (rest === 'state') {
			// The whole group as one Yjs update, what the first sync would send, as a download of a
			// known size: the app shows how much of it has arrived.
			allow('GET');
			await reader(req, groupId, addr);
			const doc = await ctx.openGroupDoc(groupId);
			if (!doc || !hasGroup(doc)) throw new ApiError(404, 'The relay holds no content for this group yet.');
			const update = readOncePerChange(doc, 'state', () => Y.encodeStateAsUpdate(doc));
			res.writeHead(200, {
				'content-type': 'application/octet-stream',
				'cache-control': 'no-store',
				'content-length': update.byteLength
			});
			res.end(Buffer.from(update.buffer, update.byteOffset, update.byteLength));
			return;
		}
		if (rest === 'export') {
			allow('GET');
			await reader(req, groupId, addr);
			const format = url.searchParams.get('format') ?? 'json';
			if (!isExportFormat(format)) throw new ApiError(400, 'Choose an export format: json, html, jsonld or csv.');
			const file = await ctx.exportGroup(groupId, format);
			if (!file) throw new ApiError(404, 'The relay holds no content for this group yet.');
			if (!file.ok) throw new ApiError(file.status, file.error);
			res.writeHead(200, {
				'content-type': file.contentType,
				'content-disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
				'cache-control': 'no-store',
				'content-length': file.body.byteLength
			});
			res.end(Buffer.from(file.body.buffer, file.body.byteOffset, file.body.byteLength));
			return;
		}
		throw new ApiError(404, 'There is no such API address.');
	}

	/** Handles `/api/...`; resolves false for any other path. Never lets an error escape. */
	return async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): Promise<boolean> {
		if (url.pathname !== '/api' && !url.pathname.startsWith('/api/')) return false;
		try {
			await route(req, res, url, ctx);
		} catch (error) {
			if (res.headersSent) {
				res.destroy();
				return true;
			}
			if (error instanceof ApiError) {
				sendJson(res, error.status, { error: error.message, ...(error.closeCode ? { closeCode: error.closeCode } : {}) }, error.headers);
			} else {
				sendJson(res, 500, { error: 'The relay could not complete this request. Try again later.' });
			}
			if (error instanceof ApiError && error.status === 413) req.resume();
		}
		return true;
	};
}
