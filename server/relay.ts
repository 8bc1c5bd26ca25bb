// The relay: one HTTP server for the app, health, metrics, the access-control API and feeds, and the
// WebSocket endpoint /sync/<groupId> where members sync their group. `startRelay` wires the parts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type * as Y from 'yjs';
import { createGroupAuth } from './auth/index.ts';
import type { ApiContext, GroupAuth, SyncGrant, SyncVerdict } from './auth/types.ts';
import { isClusterMember, resolveConfig, type RelayConfig } from './config.ts';
import { acceptConnection, frameLimit, type Connection } from './connections.ts';
import { createLocalFanout } from './fanout.ts';
import { Heartbeat } from './heartbeat.ts';
import { createStaticApp, DATA_SECURITY_HEADERS } from './http.ts';
import { createLogger, errorText } from './log.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createSqliteStore, openDatabase } from './persistence/sqlite.ts';
import { createHistoryService } from './history/api.ts';
import { HistoryThread } from './history/thread.ts';
import { ExportThread } from './exports/thread.ts';
import { CloseCode } from './protocol.ts';
import { Rooms } from './rooms.ts';
import { isStorageError, storageRefusal } from './storage-errors.ts';
import { UnfinishedBytes } from './unfinished.ts';

export interface Relay {
	port: number;
	/** http://host:port */
	url: string;
	config: RelayConfig;
	metrics: Metrics;
	/** Groups loaded in memory right now. */
	readonly roomsLoaded: number;
	readonly connectionCount: number;
	/** The group's live doc, or a copy from storage; null when nothing is stored. */
	loadGroupDoc(groupId: string): Promise<Y.Doc | null>;
	/** Stops accepting, closes every connection with 1001, compacts and closes the database. */
	close(): Promise<void>;
}

const GROUP_DELETED = 'This group was deleted by its owner.';
const SYNC_PATH = /^\/sync\/([^/]+)$/;
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 410: 'Gone', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function displayHost(host: string): string {
	const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	return shown.includes(':') ? `[${shown}]` : shown;
}

export async function startRelay(overrides: Partial<RelayConfig> = {}): Promise<Relay> {
	const config = resolveConfig(overrides);
	const log = createLogger(config.logLevel);
	const metrics = createMetrics();
	// A cluster member keeps everything in PostgreSQL and Redis; a single relay in one SQLite file.
	// Parts most relays never use (the cluster's drivers, feeds, page details) load on first use:
	// each costs memory from the start (ioredis and pg alone about 15 MiB) and time to start.
	const cluster = isClusterMember(config) ? await (await import('./cluster/index.ts')).openClusterMember(config, log, metrics) : null;
	const db = cluster ? null : openDatabase(config.dataDir, config.sqliteSynchronous);
	const sqliteStore = db
		? createSqliteStore(db, {
				compactionPauseMs: config.compactionPauseMs,
				historyDays: config.historyDays,
				onCompactionStart: (groupId) => log.debug('compaction started', { groupId })
			})
		: null;
	const store = cluster?.store ?? sqliteStore!;
	const fanout = cluster?.fanout ?? createLocalFanout();
	const rooms = new Rooms({ config, store, fanout, metrics, log });
	const history = createHistoryService(store, new HistoryThread());
	// Exports are written on a thread of their own, from what is stored, started by the first one.
	const exports = new ExportThread();
	const exportGroup: ApiContext['exportGroup'] = (groupId, format) => exports.export(store, groupId, format);
	// New groups are written by the SQLite store's writer thread, in the commits of the updates.
	const auth: GroupAuth = createGroupAuth(cluster?.tokens ?? db!, config, sqliteStore && ((registration) => sqliteStore.registerGroup(registration)));
	// Set once the schema exists: SQLite never lowers the limit below the pages already used.
	if (db && config.maxDatabaseBytes > 0) {
		const pageSize = Number(db.pragma('page_size', { simple: true }));
		db.pragma(`max_page_count = ${Math.max(1, Math.ceil(config.maxDatabaseBytes / pageSize))}`);
	}
	const app = createStaticApp(config.staticDir);
	let pageInfo: Promise<(req: IncomingMessage, res: ServerResponse, url: URL, remoteAddress: string) => Promise<boolean>> | null = null;
	const handlePageInfo = async (req: IncomingMessage, res: ServerResponse, url: URL, remoteAddress: string): Promise<boolean> => {
		// The route itself matches the whole path; this only keeps other API calls from loading it.
		if (!url.pathname.endsWith('/page-info')) return false;
		pageInfo ??= import('./metadata/route.ts').then(({ createPageInfoHandler }) =>
			createPageInfoHandler({ config, auth, log, headers: (request) => app.securityHeaders(request) })
		);
		return (await pageInfo)(req, res, url, remoteAddress);
	};
	const connections = new Set<Connection>();
	const unfinished = new UnfinishedBytes(config.maxUnfinishedBytesPerAddress, config.partialMessageTimeoutMs);
	const perAddress = new Map<string, number>();
	const startedAt = Date.now();
	let closing = false;
	// What a member feels when one group's work (a load, a big answer) holds every other group. The
	// monitor wakes the event loop 100 times a second, so it runs from the first scrape of /metrics
	// on: a relay that no one monitors does not pay for it.
	let loopDelay: IntervalHistogram | null = null;

	const remoteAddressOf = (req: IncomingMessage): string => {
		if (config.trustProxy) {
			const forwarded = String(req.headers['x-forwarded-for'] ?? '')
				.split(',')
				.map((part) => part.trim())
				.filter(Boolean);
			// The proxy appends the address it saw; anything before it is the client's claim.
			if (forwarded.length > 0) return forwarded[forwarded.length - 1];
		}
		return req.socket.remoteAddress ?? 'unknown';
	};

	const originOf = (req: IncomingMessage, port: number): string => {
		if (config.publicOrigin) return config.publicOrigin.replace(/\/+$/, '');
		const host = req.headers.host;
		const proto = config.trustProxy && req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
		if (host && PLAIN_HOST.test(host)) return `${proto}://${host}`;
		return `http://${displayHost(config.host)}:${port}`;
	};

	const loadGroupDoc = (groupId: string) => rooms.loadGroupDoc(groupId);
	const openGroupDoc = (groupId: string) => rooms.openGroupDoc(groupId);
	const onlineTokens = (groupId: string): Set<string> => new Set([...(rooms.get(groupId)?.peers ?? [])].map((peer) => peer.tokenId));

	/** Groups deleted while this relay runs, so an upgrade authorised just before the deletion is closed. */
	const deletedGroups = new Set<string>();

	/** A deleted group leaves nothing behind: connections closed, room unloaded, updates and snapshot gone. */
	const forgetGroup = async (groupId: string): Promise<void> => {
		const first = !deletedGroups.has(groupId);
		deletedGroups.add(groupId);
		const closed = rooms.drop(groupId, CloseCode.groupDeleted, GROUP_DELETED);
		if (closed > 0) metrics.refusals.add(closed, { reason: 'group-deleted' });
		await store.remove(groupId);
		await history.forget(groupId);
		if (first) log.info('group deleted', { groupId, connections: closed });
	};

	const sendJson = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown) => {
		res.writeHead(status, { ...app.securityHeaders(req), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
		res.end(JSON.stringify(body));
	};

	const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		await app.prepare();
		const port = (server.address() as AddressInfo | null)?.port ?? config.port;
		const url = new URL(req.url ?? '/', originOf(req, port));
		const remoteAddress = remoteAddressOf(req);
		const isApp = !['/healthz', '/metrics'].includes(url.pathname) && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/feeds/');
		// Set first, so each route's own headers (a feed's caching, the app's CSP) still win.
		if (!isApp) for (const [name, value] of Object.entries(DATA_SECURITY_HEADERS)) res.setHeader(name, value);
		if (url.pathname === '/healthz') {
			sendJson(req, res, closing ? 503 : 200, {
				status: closing ? 'closing' : 'ok',
				rooms: rooms.size,
				connections: connections.size,
				uptimeSeconds: Math.round((Date.now() - startedAt) / 1000)
			});
			return;
		}
		if (url.pathname === '/metrics') {
			metrics.eventLoopDelayMax.set(loopDelay ? loopDelay.max / 1e9 : 0);
			if (loopDelay) loopDelay.reset();
			else {
				loopDelay = monitorEventLoopDelay({ resolution: 10 });
				loopDelay.enable();
			}
			res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
			res.end(metrics.render());
			return;
		}
		if (url.pathname.startsWith('/api/')) {
			if (await handlePageInfo(req, res, url, remoteAddress)) return;
			if (await auth.handleApi(req, res, url, { loadGroupDoc, openGroupDoc, exportGroup, forgetGroup, remoteAddress, onlineTokens, history: history.answer })) return;
			sendJson(req, res, 404, { error: 'not-found', message: 'There is nothing at this address of the relay API.' });
			return;
		}
		if (url.pathname.startsWith('/feeds/')) {
			const { handleFeedRequest } = await import('./feeds.ts');
			if (await handleFeedRequest(req, res, url, { auth, loadGroupDoc, publicOrigin: originOf(req, port), remoteAddress })) return;
			sendJson(req, res, 404, { error: 'not-found', message: 'There is no feed at this address.' });
			return;
		}
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { ...app.securityHeaders(req), allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
			res.end('The app can only be read (GET).\n');
			return;
		}
		app.serve(req, res, url.pathname);
	};

	const server = createServer((req, res) => {
		handleRequest(req, res).catch((error: unknown) => {
			log.error('request failed', { path: (req.url ?? '').split('?')[0], error: errorText(error) });
			if (res.headersSent) res.destroy();
			else if (isStorageError(error)) {
				const refusal = storageRefusal(error);
				sendJson(req, res, refusal.status, { error: refusal.reason, message: refusal.message });
			} else sendJson(req, res, 500, { error: 'internal', message: 'The relay had a problem. Try again in a moment.' });
		});
	});

	// Frames far over the limit are cut off by ws itself (close 1009) without being buffered; frames
	// up to twice the limit are read and refused by the relay with 4413, so clients learn why.
	const wss = new WebSocketServer({ noServer: true, maxPayload: frameLimit(config), perMessageDeflate: false });

	const refuseUpgrade = (socket: Duplex, status: number, reason: string, message: string) => {
		metrics.refusals.add(1, { reason });
		const body = JSON.stringify({ error: reason, message });
		socket.end(
			`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
				`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
		);
	};

	/** A storage error (a full disk) or any other failure refuses this one connection; the relay stays up. */
	const upgradeFailed = (socket: Duplex, error: unknown): void => {
		log.error('sync upgrade failed', { error: errorText(error) });
		const refusal = isStorageError(error) ? storageRefusal(error) : { status: 500, reason: 'internal', message: 'The relay had a problem. Try again in a moment.' };
		if (socket.writable) refuseUpgrade(socket, refusal.status, refusal.reason, refusal.message);
		else socket.destroy();
	};

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		socket.on('error', () => socket.destroy());
		try {
			upgrade(req, socket, head);
		} catch (error) {
			upgradeFailed(socket, error);
		}
	});

	const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
		if (closing) return refuseUpgrade(socket, 503, 'closing', 'The relay is shutting down. Try again in a moment.');
		const url = new URL(req.url ?? '/', 'http://relay');
		const match = SYNC_PATH.exec(url.pathname);
		if (!match) return refuseUpgrade(socket, 404, 'not-found', 'Groups sync at /sync/<groupId>.');
		let groupId: string;
		try {
			groupId = decodeURIComponent(match[1]);
		} catch {
			return refuseUpgrade(socket, 400, 'malformed', 'This group id is not valid.');
		}
		const remoteAddress = remoteAddressOf(req);
		if ((perAddress.get(remoteAddress) ?? 0) >= config.connectionsPerIp) {
			return refuseUpgrade(socket, 429, 'too-many-connections', 'Too many connections from your address. Close some tabs and try again.');
		}
		const verdict = auth.authorizeSync({
			groupId,
			token: url.searchParams.get('token'),
			create: url.searchParams.get('create') === '1',
			createToken: url.searchParams.get('createToken'),
			remoteAddress
		});
		if (!(verdict instanceof Promise)) return admit(req, socket, head, groupId, remoteAddress, verdict);
		// A new group: the connection is let in once the group and its owner's token are on disk.
		verdict
			.then((settled) => {
				if (socket.destroyed) return;
				if (closing) return refuseUpgrade(socket, 503, 'closing', 'The relay is shutting down. Try again in a moment.');
				admit(req, socket, head, groupId, remoteAddress, settled);
			})
			.catch((error: unknown) => upgradeFailed(socket, error));
	};

	const admit = (req: IncomingMessage, socket: Duplex, head: Buffer, groupId: string, remoteAddress: string, grant: SyncVerdict): void => {
		if (!grant.ok) {
			log.info('sync refused', { groupId, status: grant.status, reason: grant.reason });
			// Repeated bad tokens are answered slowly, which makes guessing expensive.
			if (grant.delayMs) {
				const timer = setTimeout(() => refuseUpgrade(socket, grant.status, grant.reason, grant.message), grant.delayMs);
				socket.once('close', () => clearTimeout(timer));
				return;
			}
			return refuseUpgrade(socket, grant.status, grant.reason, grant.message);
		}
		if (grant.created) log.info('group created', { groupId });
		accept(req, socket, head, remoteAddress, grant);
	};

	const accept = (req: IncomingMessage, socket: Duplex, head: Buffer, remoteAddress: string, grant: SyncGrant): void => {
		const { groupId } = grant;
		wss.handleUpgrade(req, socket, head, (ws) => {
			if (closing) {
				ws.close(CloseCode.goingAway, 'The relay is shutting down.');
				return;
			}
			if (deletedGroups.has(groupId)) {
				ws.close(CloseCode.groupDeleted, GROUP_DELETED);
				return;
			}
			perAddress.set(remoteAddress, (perAddress.get(remoteAddress) ?? 0) + 1);
			const connection = acceptConnection(ws, socket, grant, rooms.open(groupId), remoteAddress, { config, metrics, log, unfinished }, (gone) => {
				connections.delete(gone);
				const left = (perAddress.get(remoteAddress) ?? 1) - 1;
				if (left > 0) perAddress.set(remoteAddress, left);
				else perAddress.delete(remoteAddress);
			});
			connections.add(connection);
		});
	};

	const stopRevocations = auth.onRevoke((groupId, tokenId, cause) => {
		if (tokenId === null) {
			// The whole group was deleted (through the API, or by the operator's CLI in another process).
			forgetGroup(groupId).catch((error: unknown) => log.error('deleted group not removed', { groupId, error: errorText(error) }));
			return;
		}
		if (cause === 'role') {
			// The client reconnects at once and is granted its new role; a new viewer's writes stop here.
			const closed = rooms.closePeers(groupId, tokenId, CloseCode.accessChanged, 'Your role in this group changed.');
			if (closed > 0) log.info('connections closed for a role change', { groupId, connections: closed });
			return;
		}
		const closed = rooms.closePeers(
			groupId,
			tokenId,
			cause === 'removed' ? CloseCode.removed : CloseCode.revoked,
			cause === 'removed'
				? 'The group\'s owner removed you from this group.'
				: 'This invite link has been revoked — ask the group\'s owner for a new one.'
		);
		if (closed > 0) {
			metrics.refusals.add(closed, { reason: cause });
			log.info('revoked connections closed', { groupId, connections: closed });
		}
	});

	const heartbeat = new Heartbeat(connections, config.heartbeatMs);

	await new Promise<void>((resolve, reject) => {
		const onError = (error: Error) => {
			void cluster?.close();
			reject(error);
		};
		server.once('error', onError);
		server.listen(config.port, config.host, () => {
			server.off('error', onError);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const url = `http://${displayHost(config.host)}:${port}`;

	let closed: Promise<void> | null = null;
	const close = (): Promise<void> => {
		closed ??= (async () => {
			closing = true;
			heartbeat.stop();
			loopDelay?.disable();
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			await rooms.closeAll(CloseCode.goingAway, 'The relay is restarting. Your changes are kept; it reconnects by itself.');
			// Connections still in their close handshake get a moment, then are cut.
			const deadline = Date.now() + 2_000;
			while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
			for (const client of wss.clients) client.terminate();
			wss.close();
			server.closeAllConnections();
			await stopped;
			stopRevocations();
			auth.close();
			fanout.close();
			await history.close();
			await exports.close();
			await store.close();
			db?.close();
			await cluster?.close();
			log.info('stopped', { port });
		})();
		return closed;
	};

	return {
		port,
		url,
		config,
		metrics,
		get roomsLoaded() {
			return rooms.size;
		},
		get connectionCount() {
			return connections.size;
		},
		loadGroupDoc,
		close
	};
}
