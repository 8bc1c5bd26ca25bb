// Which network addresses the relay may fetch pages from: public ones only, unless the operator
// allows private, loopback and link-local targets (PAGE_INFO_ALLOW_PRIVATE).
import { BlockList, isIP } from 'node:net';

const notPublic = new BlockList();
for (const [net, prefix] of [
	['0.0.0.0', 8], // "this network"
	['10.0.0.0', 8],
	['100.64.0.0', 10], // carrier-grade NAT
	['127.0.0.0', 8],
	['169.254.0.0', 16], // link-local, cloud metadata services
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.0.2.0', 24],
	['192.88.99.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['198.51.100.0', 24],
	['203.0.113.0', 24],
	['224.0.0.0', 4], // multicast
	['240.0.0.0', 4] // reserved, broadcast
] as const) {
	notPublic.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
	['::', 128], // unspecified
	['::1', 128], // loopback
	['64:ff9b:1::', 48],
	['100::', 64],
	['2001:db8::', 32],
	['fc00::', 7], // unique local
	['fe80::', 10], // link-local
	['fec0::', 10],
	['ff00::', 8] // multicast
] as const) {
	notPublic.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (::ffff:127.0.0.1), if any. */
function embeddedIpv4(address: string): string | null {
	const match = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (match) return match[1];
	const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
	if (!hex) return null;
	const high = parseInt(hex[1], 16);
	const low = parseInt(hex[2], 16);
	return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Whether an IP address is on the public internet (not private, loopback, link-local, reserved). */
export function isPublicAddress(address: string): boolean {
	const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
	const family = isIP(bare);
	if (family === 0) return false;
	if (family === 6) {
		const v4 = embeddedIpv4(bare);
		if (v4) return !notPublic.check(v4, 'ipv4');
		// The NAT64 prefix carries an IPv4 address in its last 32 bits.
		if (/^64:ff9b::/i.test(bare)) return false;
		return !notPublic.check(bare, 'ipv6');
	}
	return !notPublic.check(bare, 'ipv4');
}
