// The operator's command line (`npm run admin -- <command>`): create groups and print their owner
// link, list groups, list and revoke invites, delete a group, back up the database. Reads DATA_DIR
// like the relay, or, with REDIS_URL and DATABASE_URL set, works on the cluster those name.
import * as Y from 'yjs';
import { createGroup, listMembers, getGroupInfo, hasGroup, randomId } from '../src/lib/model/index';
import { GroupAccess } from './auth/access';
import { backupDatabase } from './backup';
import { backupCluster } from './cluster/backup';
import { configFromCommandLine, ConfigError, type RelayConfig } from './config';
import { openRelayStorage } from './storage';

const HELP = `Usage: npm run admin -- [options] <command> [arguments]

Commands:
  create-group <name>          create a group and print its owner's invite link
  list-groups                  list the groups with their members and active tokens
  invites <groupId>            list a group's active invites (id, role, created, label)
  revoke <groupId> <inviteId>  revoke an invite; its live connections close within a second
  delete-group <groupId>       delete a group for good: its tokens, feed links, updates and
                               snapshot; a running relay disconnects its members within a second,
                               and the id can never be used again
  backup <file>                copy the database to <file>, safely while the relay runs
                               (a cluster: its PostgreSQL schema, written by pg_dump in its
                               custom format; restore it with pg_restore)

Options (also read from the environment, like the relay):
  --data-dir <dir>        DATA_DIR       folder of the relay's database (default ./data)
  --cluster-name <name>   CLUSTER_NAME   the cluster's schema and key prefix (default commonplace)
  --public-origin <url>   PUBLIC_ORIGIN  origin of the printed links, e.g. https://commonplace.example.org
  --host <address>        HOST           used for links when no public origin is set
  --port <number>         PORT           used for links when no public origin is set
  --help                                 show this text

A cluster: set REDIS_URL and DATABASE_URL (or REDIS_URL_FILE and DATABASE_URL_FILE) in the
environment, as for its relay processes; the commands then work on the cluster, and every relay
process of it acts on a revocation or deletion within a second.
`;

const VALUE_OPTIONS = new Set(['--data-dir', '--public-origin', '--host', '--port', '--cluster-name']);

class UsageError extends Error {}

function parseArgs(argv: string[]): { options: string[]; positionals: string[]; help: boolean } {
	const options: string[] = [];
	const positionals: string[] = [];
	let help = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') help = true;
		else if (arg.startsWith('--')) {
			const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
			if (!VALUE_OPTIONS.has(name)) throw new UsageError(`Unknown option "${name}". Run with --help to see the options.`);
			options.push(arg);
			if (!arg.includes('=')) {
				if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value.`);
				options.push(argv[++i]);
			}
		} else positionals.push(arg);
	}
	return { options, positionals, help };
}

/** Where members open the relay: the public origin, else the address it listens on. */
export function publicOrigin(config: RelayConfig): string {
	if (config.publicOrigin) return config.publicOrigin.replace(/\/+$/, '');
	const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
	return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

function loadDoc(updates: Uint8Array[], groupId: string): Y.Doc {
	const doc = new Y.Doc({ guid: groupId });
	doc.transact(() => {
		for (const update of updates) Y.applyUpdate(doc, update);
	});
	return doc;
}

async function run(argv: string[], out: (line: string) => void): Promise<void> {
	const { options, positionals, help } = parseArgs(argv);
	const [command, ...args] = positionals;
	if (help || !command) {
		out(HELP);
		if (!help) throw new UsageError('Name a command.');
		return;
	}
	const need = (count: number, usage: string) => {
		if (args.length !== count) throw new UsageError(`Usage: npm run admin -- ${usage}`);
	};
	const { config } = configFromCommandLine(options);
	const storage = await openRelayStorage(config);
	const { store } = storage;
	try {
		const access = new GroupAccess(storage.tokens, config);
		switch (command) {
			case 'create-group': {
				need(1, 'create-group <name>');
				const groupId = randomId();
				// The group's document starts with its name, so the owner sees it on first open.
				const doc = new Y.Doc({ guid: groupId });
				createGroup(doc, { memberId: 'operator' }, { name: args[0] });
				const { token } = access.registerGroup(groupId, getGroupInfo(doc).name);
				await store.append(groupId, Y.encodeStateAsUpdate(doc));
				out(`Created the group "${getGroupInfo(doc).name}" (${groupId}).`);
				out('Its owner opens this link (keep it secret: whoever has it owns the group):');
				out(`${publicOrigin(config)}/join/${groupId}#${token}`);
				return;
			}
			case 'list-groups': {
				need(0, 'list-groups');
				const groups = access.store.listGroups();
				if (groups.length === 0) return out('No groups yet. Create one with: npm run admin -- create-group "<name>"');
				out(['GROUP ID'.padEnd(34), 'MEMBERS', 'OWNER', 'EDITOR', 'VIEWER', 'REVOKED', 'NAME'].join('  '));
				for (const group of groups) {
					const stored = await store.load(group.groupId);
					const doc = stored ? loadDoc(stored.updates, group.groupId) : null;
					const name = doc && hasGroup(doc) ? getGroupInfo(doc).name : (group.name ?? '(not synced yet)');
					const members = doc ? listMembers(doc).length : 0;
					doc?.destroy();
					const t = group.tokens;
					out(
						[
							group.groupId.padEnd(34),
							String(members).padStart(7),
							String(t.owner).padStart(5),
							String(t.editor).padStart(6),
							String(t.viewer).padStart(6),
							String(group.revokedTokens).padStart(7),
							name
						].join('  ')
					);
				}
				return;
			}
			case 'invites': {
				need(1, 'invites <groupId>');
				if (!access.store.group(args[0])) throw new UsageError(`There is no group ${args[0]} on this relay.`);
				out(['INVITE ID'.padEnd(14), 'ROLE'.padEnd(7), 'CREATED'.padEnd(24), 'LABEL'].join('  '));
				for (const invite of access.listInvites(args[0])) {
					out([invite.id.padEnd(14), invite.role.padEnd(7), new Date(invite.createdAt).toISOString().padEnd(24), invite.label].join('  '));
				}
				return;
			}
			case 'revoke': {
				need(2, 'revoke <groupId> <inviteId>');
				const [groupId, inviteId] = args;
				if (!access.store.group(groupId)) throw new UsageError(`There is no group ${groupId} on this relay.`);
				if (!access.revoke(groupId, inviteId)) {
					throw new UsageError(`The group ${groupId} has no active invite ${inviteId}. See them with: npm run admin -- invites ${groupId}`);
				}
				out(`Revoked invite ${inviteId} of group ${groupId}; a running relay closes its connections within a second.`);
				return;
			}
			case 'delete-group': {
				need(1, 'delete-group <groupId>');
				const [groupId] = args;
				if (!access.store.group(groupId)) {
					const deletedAt = access.store.deletedAt(groupId);
					if (deletedAt !== null) throw new UsageError(`The group ${groupId} was already deleted on ${new Date(deletedAt).toISOString()}.`);
					throw new UsageError(`There is no group ${groupId} on this relay. See the groups with: npm run admin -- list-groups`);
				}
				// Tokens first (a running relay then refuses and disconnects everyone), then the content.
				access.deleteGroup(groupId);
				await store.remove(groupId);
				out(`Deleted the group ${groupId}; a running relay disconnects its members within a second.`);
				return;
			}
			case 'backup': {
				need(1, 'backup <file>');
				if (storage.cluster) {
					const { file, bytes } = await backupCluster(storage.cluster.databaseUrl, storage.cluster.name, args[0]);
					out(`Backed up the cluster "${storage.cluster.name}" from PostgreSQL (${bytes} bytes, pg_dump's custom format) to ${file}.`);
					out(`Restore it into an empty database with: pg_restore --dbname="$DATABASE_URL" ${file}`);
					return;
				}
				const { file, pages } = await backupDatabase(config.dataDir, args[0]);
				out(`Backed up the database (${pages} pages) to ${file}.`);
				return;
			}
			default:
				throw new UsageError(`Unknown command "${command}". Run with --help to see the commands.`);
		}
	} finally {
		await storage.close();
	}
}

run(process.argv.slice(2), (line) => process.stdout.write(line + '\n')).catch((error: unknown) => {
	const known = error instanceof UsageError || error instanceof ConfigError;
	process.stderr.write((known ? (error as Error).message : `The command failed: ${error instanceof Error ? error.message : String(error)}`) + '\n');
	process.exitCode = 1;
});
