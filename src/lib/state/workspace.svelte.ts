// One open group as the pages use it: its session (sync status, presence), its reactive state and
// undo, and whether this member may edit. Kept per group while the app runs, shared through context.
import { getContext, setContext } from 'svelte';
import type { Profile, StoredGroup } from '$lib/storage/types';
import type { GroupSession, Presence, SyncStatus } from '$lib/sync/types';
import { openGroupSession } from '$lib/sync/session';
import { watchPeople } from '$lib/sync/presence';
import { requestPersistentStorage } from '$lib/storage/persist';
import { createIdbGroupViews, type GroupCover, type GroupViews } from '$lib/storage/group-views';
import { createWorkerSearch, type SearchService } from '$lib/search/search-service';
import { relayApi } from '$lib/api/relay-api';
import { getGroup, patchGroup, saveGroup } from '$lib/storage/registry';
import { SAMPLE_CREATOR_ID } from '$lib/demo/identity';
import { GroupState } from './group.svelte';
import { UndoState } from './undo.svelte';
import { saveSummary } from './summaries';
import { PageDetailsFiller } from './page-details';
import { readPageDetails } from '$lib/api/page-details';

export class Workspace {
	readonly stored: StoredGroup;
	readonly profile: Profile;
	readonly session: GroupSession;
	readonly group: GroupState;
	readonly undo: UndoState;
	#status = $state<SyncStatus>({ kind: 'loading' });
	#people = $state.raw<Presence[]>([]);
	#loaded = $state(false);
	#role = $state<StoredGroup['role']>('viewer');
	#roleChecked = false;
	#introducedAs = '';
	#remembered = false;
	#storedName: string;
	#cleanups: (() => void)[] = [];
	readonly #pageDetails: PageDetailsFiller;

	readonly #views: GroupViews | null;
	#prepareTimer: ReturnType<typeof setTimeout> | undefined;

	/**
	 * `views`: where the group's cover is kept between openings (none in tests); `search`: the
	 * group's search engine (in-process when not given).
	 */
	constructor(stored: StoredGroup, profile: Profile, session: GroupSession, views: GroupViews | null = null, search?: SearchService) {
		this.#views = views;
		this.stored = stored;
		this.profile = profile;
		this.session = session;
		this.group = new GroupState(session, profile.memberId, search);
		this.undo = new UndoState(session.doc, this.group.actor);
		this.group.onAction = () => this.undo.boundary();
		this.#role = stored.role;
		this.group.setOwner(stored.role === 'owner');
		this.#storedName = stored.name;
		this.#pageDetails = new PageDetailsFiller(profile.memberId, (url) => readPageDetails(stored.groupId, stored.token, url));
		this.#cleanups.push(
			session.subscribe((status) => {
				this.#status = status;
				// Each new connection may carry a new role (the owner changed it): ask once per connection.
				if (status.kind === 'offline' || status.kind === 'connecting') this.#roleChecked = false;
				if (status.kind === 'synced') {
					// What the relay sent (a whole group on a new device) is indexed while the page is idle.
					this.#prepareSearchSoon(500);
					void this.#checkRole();
					this.fillPageDetails();
				}
			})
		);
		this.#cleanups.push(watchPeople(session.awareness, profile.memberId, (people) => (this.#people = people)));
		// The home page's summary: written as soon as the group is here (so a group just made or joined
		// never reads "not opened yet"), then at most every half second, and when the page goes away.
		let summaryTimer: ReturnType<typeof setTimeout> | undefined;
		const onUpdate = () => {
			if (!this.#remembered) this.#remember();
			clearTimeout(summaryTimer);
			summaryTimer = setTimeout(async () => {
				// What changed is read between the page's own work first (an import brings thousands of items).
				await this.group.readChangesInSlices();
				if (!listening) return;
				this.#remember();
				// Not on closing: a group being forgotten must not be written back.
				if (!this.group.showingCover && this.group.exists) this.#keepName();
			}, 500);
		};
		// Heard once the group is read from storage (then remembered at once, below): while a big group
		// loads, a listener would have Yjs encode every slice applied again, for nothing.
		let listening = true;
		void session.loaded.then(() => {
			if (listening) session.doc.on('update', onUpdate);
		});
		const onPageHide = () => this.#remember();
		globalThis.addEventListener?.('pagehide', onPageHide);
		this.#cleanups.push(() => {
			listening = false;
			session.doc.off('update', onUpdate);
			globalThis.removeEventListener?.('pagehide', onPageHide);
			clearTimeout(summaryTimer);
		});
		// Loaded once the pages read the document (behind the cover, a big group takes a moment).
		session.loaded.then(
			async () => {
				await this.group.docLoaded(() => (this.#loaded = true));
				this.#remember();
				this.#prepareSearchSoon(0);
			},
			async () => {
				await this.group.docLoaded(() => (this.#loaded = true));
			}
		);
		this.#cleanups.push(() => clearTimeout(this.#prepareTimer));
	}

	/** True once the group is read from this browser's storage. */
	get loaded(): boolean {
		return this.#loaded;
	}

	get status(): SyncStatus {
		return this.#status;
	}

	/** The other members online in this group now: one entry per member, sorted by name. */
	get people(): Presence[] {
		return this.#people;
	}

	/** This member's role: as stored, then as the relay says once it has been reached. */
	get role(): StoredGroup['role'] {
		return this.#role;
	}

	get isViewer(): boolean {
		return this.#role === 'viewer';
	}

	/**
	 * A member who joined offline was taken for a viewer, and the owner may change a member's role
	 * at any time (the relay then closes the connection, which reconnects): the relay knows the role.
	 */
	async #checkRole(): Promise<void> {
		if (this.#roleChecked) return;
		this.#roleChecked = true;
		try {
			const { role } = await relayApi(this.stored.groupId, this.stored.token).me();
			if (role === this.#role) return;
			this.#role = role;
			this.group.setOwner(role === 'owner');
			const current = await getGroup(this.stored.groupId);
			if (current && current.token === this.stored.token) await saveGroup({ ...current, role });
		} catch {
			// Offline again or refused: the status says so; the next connection asks again.
			this.#roleChecked = false;
		}
	}

	/**
	 * Whether this member may change the group: not a viewer, not a revoked token, not a newer schema,
	 * and the group read from storage (a big group is applied a slice at a time, and a write into a
	 * half-read document could create again what it does not see yet).
	 */
	get canEdit(): boolean {
		const status = this.#status;
		return this.#loaded && !this.isViewer && this.group.writable && !(status.kind === 'error' && (status.reason === 'revoked' || status.reason === 'deleted'));
	}

	/** Fills in the details of pages this member added that the relay has not read yet. */
	fillPageDetails(): void {
		if (this.canEdit) void this.#pageDetails.run(this.group);
	}

	/** Makes sure the group lists this member with their current name and colour. */
	introduce(): void {
		if (!this.canEdit || !this.group.exists) return;
		const me = this.group.member(this.profile.memberId);
		if (me && me.name === this.profile.name && me.color === this.profile.color) return;
		// In a big group the snapshot refreshes a little later than the document: written once is enough.
		const profile = `${this.profile.name}\u0000${this.profile.color}`;
		if (this.#introducedAs === profile) return;
		this.#introducedAs = profile;
		try {
			this.group.setProfile({ name: this.profile.name, color: this.profile.color });
		} catch {
			// A profile the model refuses stays out of the group; the home page lets the member fix it.
		}
	}

	#remember(): void {
		if (this.group.showingCover || !this.group.exists) return;
		if (!this.#remembered) this.#markSample();
		this.#remembered = true;
		if (this.#loaded) void this.#views?.saveCover(this.stored.groupId, this.group.cover());
		saveSummary(this.stored.groupId, { items: this.group.liveItemCount, lastActivity: this.group.lastActivity });
	}

	/**
	 * The search engine is given the group's items while the page is idle: every item once the group
	 * is open (it re-indexes only what changed since it was saved), what changed after each sync.
	 */
	#prepareSearchSoon(afterMs = 2_000): void {
		clearTimeout(this.#prepareTimer);
		this.#prepareTimer = setTimeout(async () => {
			await idle();
			if (this.#loaded) this.group.prepareSearch();
		}, afterMs);
	}

	/** Keeps the name on the home page current when the owner renames the group. */
	#keepName(): void {
		const name = this.group.name;
		if (!name || name === this.#storedName) return;
		this.#storedName = name;
		void patchGroup(this.stored.groupId, { name }).catch(() => {});
	}

	/** The group as this browser holds it now (registration or a join may have changed it since opening). */
	async current(): Promise<StoredGroup> {
		return (await getGroup(this.stored.groupId)) ?? this.stored;
	}

	/**
	 * A copy of the sample group made before copies were marked (or the relay's demo group) is marked
	 * when opened, so "Try the sample group" opens it instead of making another.
	 */
	#markSample(): void {
		if (this.stored.sample || this.group.info.createdBy !== SAMPLE_CREATOR_ID) return;
		void patchGroup(this.stored.groupId, { sample: true }).catch(() => {});
	}

	destroy(): void {
		this.#remember();
		for (const cleanup of this.#cleanups) cleanup();
		this.undo.destroy();
		this.group.destroy();
		this.session.destroy();
	}
}

const open = new Map<string, Workspace>();

/** The open workspace of a group, opening its session the first time. */
export function openWorkspace(stored: StoredGroup, profile: Profile): Workspace {
	const existing = open.get(stored.groupId);
	if (existing && existing.profile.memberId === profile.memberId && existing.stored.token === stored.token) return existing;
	existing?.destroy();
	// Marks for anyone measuring how a group opens (DevTools, benchmarks).
	performance.mark?.('commonplace:workspace-opening');
	requestPersistentStorage();
	const views = createIdbGroupViews();
	// The cover (first page and counts, kept from last time) is shown before the group is read from
	// storage, and painted before that read and its applying hold the page. A device that has none
	// (it never opened the group) asks the relay for it, and shows it while the group arrives.
	let showCover: (cover: GroupCover | null) => Promise<void> = async () => {};
	let coverRefused: unknown = null;
	const coverShown = views
		.loadCover(stored.groupId)
		.then(async (cover) => cover ?? (stored.unregistered ? null : await relayCover(stored, (error) => (coverRefused = error))))
		.then((cover) => showCover(cover));
	const session = openGroupSession({
		loadAfter: coverShown,
		refusedBefore: () => coverRefused,
		groupId: stored.groupId,
		token: stored.token,
		create: stored.unregistered,
		profile,
		onRegistered: () => void patchGroup(stored.groupId, { unregistered: false }).catch(() => {})
	});
	// The search engine, in a worker, reads its saved index at once (a few ms: flat arrays, nothing
	// to parse), so it answers a search typed as soon as the cover shows, before the group is read.
	const search = createWorkerSearch(stored.groupId) ?? undefined;
	const workspace = new Workspace(stored, profile, session, views, search);
	showCover = async (cover) => {
		performance.mark?.('commonplace:cover-read');
		if (!cover) return;
		workspace.group.showCover(cover);
		await nextPaint();
		performance.mark?.('commonplace:cover-shown');
	};
	open.set(stored.groupId, workspace);
	return workspace;
}

export function closeWorkspace(groupId: string): void {
	open.get(groupId)?.destroy();
	open.delete(groupId);
}

const CONTEXT = Symbol('workspace');

export function setWorkspaceContext(get: () => Workspace | null): void {
	setContext(CONTEXT, get);
}

/** The workspace of the group page this component is on (null while it opens). */
export function getWorkspace(): Workspace | null {
	const get = getContext<(() => Workspace | null) | undefined>(CONTEXT);
	return get ? get() : null;
}

/** How long a device with nothing of the group waits for the relay's cover before reading storage anyway. */
const RELAY_COVER_WAIT_MS = 5_000;

/** The group's cover as the relay reads it for this member; null offline, refused (told to `refused`), or slow. */
async function relayCover(stored: StoredGroup, refused: (error: unknown) => void): Promise<GroupCover | null> {
	if (typeof navigator !== 'undefined' && navigator.onLine === false) return null;
	const asked = relayApi(stored.groupId, stored.token)
		.cover()
		.then((cover) => (cover?.version === 1 ? cover : null))
		.catch((error: unknown) => {
			refused(error);
			return null;
		});
	return Promise.race([asked, new Promise<null>((resolve) => setTimeout(() => resolve(null), RELAY_COVER_WAIT_MS))]);
}

/** Resolves after the next frame is painted (or soon, in a tab that is not painting). */
export function nextPaint(): Promise<void> {
	return new Promise((resolve) => {
		const done = () => setTimeout(resolve, 0);
		const timer = setTimeout(done, 100);
		requestAnimationFrame(() => {
			clearTimeout(timer);
			done();
		});
	});
}

/** Resolves when the page is idle (or after a second at most). */
function idle(): Promise<void> {
	return new Promise((resolve) => {
		if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1_000 });
		else setTimeout(resolve, 50);
	});
}
