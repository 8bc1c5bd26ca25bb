// Names of the cluster's Redis streams: one for a group's updates, one for its members' presence.
export interface StreamKeys {
	updates(groupId: string): string;
	presence(groupId: string): string;
	/** Every key of the cluster (for cleaning up a test cluster). */
	pattern: string;
}

export function streamKeys(clusterName: string): StreamKeys {
	return {
		updates: (groupId) => `${clusterName}:updates:${groupId}`,
		presence: (groupId) => `${clusterName}:presence:${groupId}`,
		pattern: `${clusterName}:*`
	};
}

/** The field names of a stream entry: the update (or presence) bytes, and the process that added it. */
export const FIELD_BODY = 'b';
export const FIELD_FROM = 'p';
