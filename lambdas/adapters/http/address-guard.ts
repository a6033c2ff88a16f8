import { isIPv4, isIPv6 } from 'node:net';
import { FetchError } from './fetch-error';

/**
 * The SSRF guard: which addresses a feed fetch may connect to.
 *
 * Feed URLs come from editors and from redirects chosen by remote servers, so a fetch must never
 * reach the machine itself, the VPC, the instance metadata service (169.254.169.254) or any other
 * address that is not on the public Internet. The guard works on addresses, not names: the
 * fetcher checks IP literals in the URL, every address DNS returns, and the address the socket
 * actually connected to, on every redirect hop.
 */

/** Says why an address is refused, or null when it may be fetched. */
export type AddressPolicy = (address: string) => string | null;

/** The production policy: only public unicast addresses. */
export const publicAddressesOnly: AddressPolicy = (address) => blockedAddressReason(address);

/** The policy behind `allowPrivateNetworks: true` (local demo and tests): every address. */
export const anyAddress: AddressPolicy = () => null;

/** Appended to every refusal so the person at the CLI knows the way out for local feeds. */
const LOCAL_FEEDS_HINT = 'refused (use --allow-private-networks for local feeds)';

interface Range {
  /** Network address as a bigint (32 bits for IPv4, 128 for IPv6). */
  base: bigint;
  prefix: number;
  reason: string;
}

function v4Range(cidr: string, reason: string): Range {
  const [address = '', prefix = ''] = cidr.split('/');
  return { base: ipv4ToBigInt(address), prefix: Number(prefix), reason };
}

function v6Range(cidr: string, reason: string): Range {
  const [address = '', prefix = ''] = cidr.split('/');
  return { base: ipv6ToBigInt(address), prefix: Number(prefix), reason };
}

/**
 * IPv4 special-purpose blocks (IANA registry, RFC 6890 and successors) that a feed never lives
 * on. Most specific first is not needed: the blocks do not overlap.
 */
const IPV4_BLOCKED: readonly Range[] = [
  v4Range('0.0.0.0/8', 'unspecified'), // "this network"; Linux connects 0.0.0.0 to the host itself
  v4Range('10.0.0.0/8', 'private'),
  v4Range('100.64.0.0/10', 'cgnat'),
  v4Range('127.0.0.0/8', 'loopback'),
  v4Range('169.254.0.0/16', 'link-local'), // includes the cloud metadata service
  v4Range('172.16.0.0/12', 'private'),
  v4Range('192.0.0.0/24', 'reserved'), // IETF protocol assignments (DS-Lite, NAT64 discovery…)
  v4Range('192.0.2.0/24', 'documentation'),
  v4Range('192.88.99.0/24', 'reserved'), // retired 6to4 relay anycast
  v4Range('192.168.0.0/16', 'private'),
  v4Range('198.18.0.0/15', 'benchmarking'),
  v4Range('198.51.100.0/24', 'documentation'),
  v4Range('203.0.113.0/24', 'documentation'),
  v4Range('224.0.0.0/4', 'multicast'),
  v4Range('255.255.255.255/32', 'broadcast'),
  v4Range('240.0.0.0/4', 'reserved'), // class E, future use
];

/** Global unicast: the only IPv6 space a public server can be in (besides NAT64, below). */
const IPV6_GLOBAL_UNICAST = v6Range('2000::/3', 'global');

/** Blocks carved out of 2000::/3 that are not reachable public servers. */
const IPV6_BLOCKED_IN_GLOBAL: readonly Range[] = [
  v6Range('2001::/23', 'reserved'), // IETF protocol assignments: Teredo, ORCHID, benchmarking…
  v6Range('2001:db8::/32', 'documentation'),
  v6Range('2002::/16', '6to4'), // deprecated (RFC 7526); tunnels to the IPv4 address it embeds
  v6Range('3fff::/20', 'documentation'),
];

/** Blocks outside 2000::/3, named so the refusal says what the address is. */
const IPV6_NAMED: readonly Range[] = [
  v6Range('::/128', 'unspecified'),
  v6Range('::1/128', 'loopback'),
  v6Range('::ffff:0:0/96', 'ipv4-mapped'),
  v6Range('64:ff9b:1::/48', 'private'), // local-use NAT64 prefix (RFC 8215)
  v6Range('100::/64', 'reserved'), // discard-only
  v6Range('fc00::/7', 'unique-local'),
  v6Range('fe80::/10', 'link-local'),
  v6Range('fec0::/10', 'site-local'),
  v6Range('ff00::/8', 'multicast'),
];

/** The NAT64 well-known prefix (RFC 6052): DNS64 answers with it on IPv6-only networks. */
const NAT64_WELL_KNOWN = v6Range('64:ff9b::/96', 'nat64');

function inRange(value: bigint, range: Range, bits: number): boolean {
  const shift = BigInt(bits - range.prefix);
  return value >> shift === range.base >> shift;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** Parses an IPv6 address (already validated by `isIPv6`, zone removed) into 128 bits. */
function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // A trailing dotted IPv4 part stands for the last two groups.
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = ipv4ToBigInt(dotted[2] ?? '');
    text = `${dotted[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [
    ...headGroups,
    ...Array<string>(tail === undefined ? 0 : missing).fill('0'),
    ...tailGroups,
  ];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

/** Where an IPv6 address embeds an IPv4 one that it would reach: the low 32 bits. */
function embeddedIpv4(value: bigint): string {
  return bigIntToIpv4(value & 0xffffffffn);
}

function ipv4Reason(address: string): string | null {
  const value = ipv4ToBigInt(address);
  return IPV4_BLOCKED.find((range) => inRange(value, range, 32))?.reason ?? null;
}

/** What a refused address is, and which IPv4 address it embeds when that matters. */
interface Classification {
  reason: string;
  embedded?: { address: string; reason: string | null };
}

function classify(rawAddress: string): Classification | null {
  const address = rawAddress.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(address)) {
    const reason = ipv4Reason(address);
    return reason === null ? null : { reason };
  }
  // A zone (`fe80::1%eth0`) only ever qualifies a link-local address; drop it before parsing.
  const withoutZone = address.replace(/%.*$/, '');
  if (!isIPv6(withoutZone)) return { reason: 'invalid' };

  const value = ipv6ToBigInt(withoutZone.toLowerCase());
  const named = IPV6_NAMED.find((range) => inRange(value, range, 128));
  if (named) {
    if (named.reason === 'ipv4-mapped') {
      // Refused whatever it embeds: no public server publishes one, and it is the classic way
      // to smuggle an IPv4 address past a guard that only looks at IPv6 ranges.
      const v4 = embeddedIpv4(value);
      return { reason: named.reason, embedded: { address: v4, reason: ipv4Reason(v4) } };
    }
    return { reason: named.reason };
  }
  if (inRange(value, NAT64_WELL_KNOWN, 128)) {
    // On an IPv6-only network every IPv4-only outlet is reached through this prefix, so it is
    // allowed when, and only when, the IPv4 address it translates to is public.
    const v4 = embeddedIpv4(value);
    const reason = ipv4Reason(v4);
    return reason === null ? null : { reason: 'nat64', embedded: { address: v4, reason } };
  }
  if (value >> 96n === 0n) {
    // ::a.b.c.d, the deprecated IPv4-compatible form (RFC 4291 §2.5.5.1).
    const v4 = embeddedIpv4(value);
    return { reason: 'reserved', embedded: { address: v4, reason: ipv4Reason(v4) } };
  }
  if (!inRange(value, IPV6_GLOBAL_UNICAST, 128)) return { reason: 'reserved' };
  const carved = IPV6_BLOCKED_IN_GLOBAL.find((range) => inRange(value, range, 128));
  if (!carved) return null;
  if (carved.reason === '6to4') {
    // 2002:AABB:CCDD::/48 tunnels to A.B.C.D; say which when that address is itself refused.
    const v4 = bigIntToIpv4((value >> 80n) & 0xffffffffn);
    return { reason: '6to4', embedded: { address: v4, reason: ipv4Reason(v4) } };
  }
  return { reason: carved.reason };
}

/**
 * Classifies an IP address string; returns null when public, else the reason ('loopback' |
 * 'private' | 'link-local' | 'cgnat' | 'unique-local' | 'ipv4-mapped' | 'multicast' |
 * 'unspecified' | 'broadcast' | 'reserved' | 'documentation' | 'benchmarking' | 'site-local' |
 * '6to4' | 'nat64' | 'invalid').
 *
 * Anything that is not a valid IPv4 or IPv6 address is 'invalid': the guard fails closed.
 *
 * @example
 * blockedAddressReason('93.184.215.14'); // null
 * blockedAddressReason('169.254.169.254'); // 'link-local'
 * blockedAddressReason('::ffff:7f00:1'); // 'ipv4-mapped'
 */
export function blockedAddressReason(address: string): string | null {
  return classify(address)?.reason ?? null;
}

const REASON_PHRASES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  cgnat: 'a carrier-grade NAT (100.64/10) address',
  'unique-local': 'a unique-local IPv6 address',
  'ipv4-mapped': 'an IPv4-mapped IPv6 address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified ("this host") address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  documentation: 'a documentation-only address',
  benchmarking: 'a benchmarking address',
  'site-local': 'a site-local IPv6 address',
  '6to4': 'a 6to4 IPv6 address',
  nat64: 'a NAT64 address',
  invalid: 'not a valid IP address',
};

function phrase(reason: string): string {
  return REASON_PHRASES[reason] ?? `a ${reason} address`;
}

/**
 * What a refused address is, for a message: "a private address", "an IPv4-mapped IPv6 address
 * (embeds 127.0.0.1, a loopback address)".
 */
function describe(address: string, policyReason: string): string {
  const classification = classify(address);
  // The production policy explains itself fully; a test policy may only give a reason.
  if (!classification || classification.reason !== policyReason) return phrase(policyReason);
  const { embedded } = classification;
  const embeds = embedded
    ? ` (embeds ${embedded.address}${embedded.reason ? `, ${phrase(embedded.reason)}` : ''})`
    : '';
  return `${phrase(classification.reason)}${embeds}`;
}

/** The refusal for an address found in the URL itself. */
export function blockedLiteralError(address: string, reason: string): FetchError {
  return new FetchError(
    'BLOCKED_ADDRESS',
    `${address} is ${describe(address, reason)}; ${LOCAL_FEEDS_HINT}`,
  );
}

/** The refusal for an address a host name resolved to. */
export function blockedResolutionError(
  hostname: string,
  address: string,
  reason: string,
): FetchError {
  return new FetchError(
    'BLOCKED_ADDRESS',
    `${hostname} resolves to ${address}, ${describe(address, reason)}; ${LOCAL_FEEDS_HINT}`,
  );
}

/** The refusal for the address a socket ended up connected to. */
export function blockedConnectionError(
  hostname: string,
  address: string,
  reason: string,
): FetchError {
  return new FetchError(
    'BLOCKED_ADDRESS',
    `the connection to ${hostname} reached ${address}, ${describe(address, reason)}; ${LOCAL_FEEDS_HINT}`,
  );
}

/** The URL without user name and password, for messages. */
export function redactUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** `hostname` of a URL as an address: IPv6 literals lose their brackets. */
export function hostAddress(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Checks a parsed URL against a policy: http(s) only, and an IP-literal host must pass the
 * policy. The WHATWG parser has already turned every IPv4 spelling (127.1, 2130706433,
 * 0x7f.0.0.1, 0177.0.0.1, full-width digits, percent-escapes) into dotted form, so the policy
 * sees the address the socket would dial.
 */
export function assertUrlAllowed(url: URL, policy: AddressPolicy): URL {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError(
      'UNSUPPORTED_SCHEME',
      `${url.protocol.replace(/:$/, '')} URLs are not fetched; only http and https (${redactUrl(url)})`,
    );
  }
  const host = hostAddress(url);
  if (host === '') throw new FetchError('BAD_URL', `no host in ${redactUrl(url)}`);
  if (isIPv4(host) || isIPv6(host)) {
    const reason = policy(host);
    if (reason !== null) throw blockedLiteralError(host, reason);
  }
  return url;
}

/**
 * Checks a URL before any request: scheme and, when the host is an IP literal, the address.
 * Throws FetchError with a message that says why. Host names are checked later, on what they
 * resolve to. `allowPrivateNetworks` lifts the address check, never the scheme check.
 *
 * @example
 * assertFetchableUrl('https://news.am/rss'); // URL
 * assertFetchableUrl('http://2130706433/feed');
 * // throws FetchError BLOCKED_ADDRESS: 'fetch: 127.0.0.1 is a loopback address; refused (use
 * // --allow-private-networks for local feeds)'
 */
export function assertFetchableUrl(url: string, options?: { allowPrivateNetworks?: boolean }): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new FetchError('BAD_URL', `not a valid URL: ${JSON.stringify(url)}`, { cause });
  }
  return assertUrlAllowed(parsed, options?.allowPrivateNetworks ? anyAddress : publicAddressesOnly);
}
