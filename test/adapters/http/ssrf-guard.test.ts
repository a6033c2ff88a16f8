import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AddressPolicy,
  anyAddress,
  publicAddressesOnly,
} from '../../../lambdas/adapters/http/address-guard';
import { type FetchSettings, fetchFeed } from '../../../lambdas/adapters/http/fetch-feed';
import {
  blockedAddressReason,
  createGuardedFetcher,
} from '../../../lambdas/adapters/http/guarded-fetcher';
import {
  closeAllServers,
  fetchFailure,
  installLoopbackOnlyNet,
  startRawServer,
  startServer,
} from './servers';

/**
 * The address guard inside the fetcher, with `allowPrivateNetworks` off. Host names resolve
 * through injected lookups; nothing here may reach past loopback, and the safety net turns any
 * attempt into a thrown error.
 */

type Answer = Array<{ address: string; family: 4 | 6 }>;

let removeSafetyNet: () => void;
beforeAll(() => {
  removeSafetyNet = installLoopbackOnlyNet();
});
afterAll(() => removeSafetyNet());
afterEach(() => closeAllServers());

/** A lookup with fixed answers per name that records every name it is asked. */
function fixedLookup(answers: Record<string, Answer>) {
  const calls: string[] = [];
  const lookup = async (hostname: string): Promise<Answer> => {
    calls.push(hostname);
    const answer = answers[hostname];
    if (!answer) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(lookup, { calls });
}

const family = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/**
 * The guard as in production, except that 127.0.0.1 counts as public: a stand-in for an outlet
 * on the Internet, so a redirect from it into a private range can be tested on one machine.
 * Every other loopback address (127.0.0.2…) stays refused.
 */
const loopbackIsTheInternet: AddressPolicy = (address) =>
  address === '127.0.0.1' ? null : publicAddressesOnly(address);

function settings(overrides: Partial<FetchSettings>): FetchSettings {
  return {
    addressPolicy: loopbackIsTheInternet,
    resolve: fixedLookup({}),
    connectTimeoutMs: 2_000,
    totalTimeoutMs: 5_000,
    maxBodyBytes: 1024 * 1024,
    maxRedirects: 5,
    userAgent: 'test',
    ...overrides,
  };
}

describe('the address guard in the fetcher', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.53.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.3.4', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.100.100.200', 'cgnat'],
    ['fd00:ec2::254', 'unique-local'],
    ['::ffff:10.0.0.5', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'],
    ['64:ff9b::a9fe:a9fe', 'nat64'],
    ['2002:a00:1::1', '6to4'],
    ['224.0.0.1', 'multicast'],
    ['ff05::2', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.1.2.3', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['not-an-address', 'invalid'],
  ])('refuses feeds.example resolving to %s (%s) before connecting', async (address, reason) => {
    // Prepare
    const lookup = fixedLookup({ 'feeds.example': [{ address, family: family(address) }] });
    const fetcher = createGuardedFetcher({ lookup });

    // Act
    const error = await fetchFailure(fetcher.fetch({ url: 'http://feeds.example/rss' }));

    // Assess
    expect(blockedAddressReason(address)).toBe(reason);
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toMatch(
      new RegExp(`^fetch: feeds\\.example resolves to ${address.replace(/\./g, '\\.')}, `),
    );
    expect(error.message).toContain('refused (use --allow-private-networks for local feeds)');
    expect(lookup.calls).toEqual(['feeds.example']);
  });

  it('refuses a name when any one of its addresses is internal', async () => {
    const lookup = fixedLookup({
      'feeds.example': [
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
    });

    const error = await fetchFailure(
      createGuardedFetcher({ lookup }).fetch({ url: 'https://feeds.example/' }),
    );

    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toContain('10.0.0.5, a private address');
  });

  it('refuses a loopback server when private networks are not allowed', async () => {
    const server = await startServer((_req, res) => res.end('<rss/>'));
    const lookup = fixedLookup({ localhost: [{ address: '127.0.0.1', family: 4 }] });

    const byName = await fetchFailure(
      createGuardedFetcher({ lookup }).fetch({ url: `http://localhost:${server.port}/` }),
    );
    const byAddress = await fetchFailure(
      createGuardedFetcher().fetch({ url: `${server.origin}/` }),
    );

    expect(byName.code).toBe('BLOCKED_ADDRESS');
    expect(byAddress.code).toBe('BLOCKED_ADDRESS');
    expect(server.connections).toBe(0);
  });

  it.each([
    'http://127.1:PORT/',
    'http://2130706433:PORT/',
    'http://0x7f.0.0.1:PORT/',
    'http://0177.0.0.1:PORT/',
    'http://[::ffff:127.0.0.1]:PORT/',
  ])('refuses %s, another spelling of loopback, without connecting', async (template) => {
    const server = await startServer((_req, res) => res.end('<rss/>'));

    const error = await fetchFailure(
      createGuardedFetcher().fetch({ url: template.replace('PORT', String(server.port)) }),
    );

    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(server.connections).toBe(0);
  });

  describe('on redirects', () => {
    /** An "outlet" on 127.0.0.1 that redirects to `location`, and a trap on 127.0.0.2. */
    async function outletRedirectingTo(location: (trapPort: number) => string) {
      const trap = await startServer((_req, res) => res.end('secret'), '127.0.0.2');
      const outlet = await startServer((_req, res) => {
        res.writeHead(302, { Location: location(trap.port) });
        res.end();
      });
      return { outlet, trap };
    }

    it.each([
      [
        'a host name resolving to a loopback address',
        (port: number) => `http://internal.example:${port}/`,
      ],
      ['a loopback address', (port: number) => `http://127.0.0.2:${port}/`],
      ['a decimal loopback address', (port: number) => `http://2130706434:${port}/`],
      ['an IPv4-mapped loopback address', (port: number) => `http://[::ffff:127.0.0.2]:${port}/`],
      ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
    ])('refuses a redirect to %s without connecting to it', async (_, location) => {
      // Prepare
      const { outlet, trap } = await outletRedirectingTo(location);
      const lookup = fixedLookup({
        'outlet.example': [{ address: '127.0.0.1', family: 4 }],
        'internal.example': [{ address: '127.0.0.2', family: 4 }],
      });

      // Act
      const error = await fetchFailure(
        fetchFeed(
          { url: `http://outlet.example:${outlet.port}/rss` },
          settings({ resolve: lookup }),
        ),
      );

      // Assess
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(outlet.requests).toHaveLength(1);
      expect(trap.connections).toBe(0);
    });

    it('checks what every hop resolves to', async () => {
      const outlet = await startServer((_req, res) => {
        res.writeHead(301, { Location: 'http://cdn.example/feed' });
        res.end();
      });
      const lookup = fixedLookup({
        'outlet.example': [{ address: '127.0.0.1', family: 4 }],
        'cdn.example': [{ address: '10.20.30.40', family: 4 }],
      });

      const error = await fetchFailure(
        fetchFeed(
          { url: `http://outlet.example:${outlet.port}/rss` },
          settings({ resolve: lookup }),
        ),
      );

      expect(lookup.calls).toEqual(['outlet.example', 'cdn.example']);
      expect(error.message).toBe(
        'fetch: cdn.example resolves to 10.20.30.40, a private address; refused (use --allow-private-networks for local feeds)',
      );
    });
  });

  describe('on connect', () => {
    /** Allows an address when DNS returns it, refuses it when the socket reaches it. */
    function flipping() {
      const seen: string[] = [];
      const policy: AddressPolicy = (address) => {
        seen.push(address);
        return seen.length === 1 ? null : 'private';
      };
      return { policy, seen };
    }

    it.each(['http', 'https'])(
      'checks the address the %s socket reached and sends nothing to a refused one',
      async (scheme) => {
        // Prepare: a raw TCP server counts every byte; https would start with a ClientHello.
        const server = await startRawServer();
        const { policy, seen } = flipping();
        const lookup = fixedLookup({ 'feeds.example': [{ address: '127.0.0.1', family: 4 }] });

        // Act
        const error = await fetchFailure(
          fetchFeed(
            { url: `${scheme}://feeds.example:${server.port}/rss` },
            settings({ addressPolicy: policy, resolve: lookup }),
          ),
        );

        // Assess
        expect(error.code).toBe('BLOCKED_ADDRESS');
        expect(error.message).toContain('the connection to feeds.example reached 127.0.0.1');
        expect(seen).toEqual(['127.0.0.1', '127.0.0.1']); // once resolved, once connected
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(server.bytes()).toBe(0);
      },
    );
  });

  it('lets everything through with allowPrivateNetworks', async () => {
    const server = await startServer((_req, res) => res.end('<rss/>'));

    const outcome = await createGuardedFetcher({ allowPrivateNetworks: true }).fetch({
      url: `${server.origin}/rss`,
    });

    expect(outcome.kind).toBe('ok');
  });
});

describe('the test safety net', () => {
  it('stops a connection off the machine even when the guard is off', async () => {
    const lookup = fixedLookup({ 'feeds.example': [{ address: '10.0.0.5', family: 4 }] });

    const attempt = fetchFeed(
      { url: 'http://feeds.example/rss' },
      settings({ addressPolicy: anyAddress, resolve: lookup }),
    );

    await expect(attempt).rejects.toThrow(/test safety net: refused to connect to 10\.0\.0\.5/);
    await expect(
      fetchFeed({ url: 'http://10.0.0.5/rss' }, settings({ addressPolicy: anyAddress })),
    ).rejects.toThrow(/test safety net/);
  });
});
