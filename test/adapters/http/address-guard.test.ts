import { describe, expect, it } from 'vitest';
import {
  assertFetchableUrl,
  blockedAddressReason,
} from '../../../lambdas/adapters/http/guarded-fetcher';
import { refusal } from './servers';

describe('blockedAddressReason', () => {
  it.each([
    // IPv4
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'ipv4-mapped'],
    ['::ffff:7f00:1', 'ipv4-mapped'],
    ['::ffff:10.0.0.1', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'],
    ['::127.0.0.1', 'reserved'],
    ['64:ff9b::127.0.0.1', 'nat64'],
    ['64:ff9b::a9fe:a9fe', 'nat64'],
    ['64:ff9b:1::1', 'private'],
    ['100::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:808:808::1', '6to4'],
    ['3fff::1', 'documentation'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['4000::1', 'reserved'],
    ['[::1]', 'loopback'],
    // Not an address at all: fail closed.
    ['', 'invalid'],
    ['localhost', 'invalid'],
    ['127.1', 'invalid'],
    ['1.2.3.256', 'invalid'],
  ])('refuses %s as %s', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.215.14',
    '100.63.255.255', // just below CGNAT
    '100.128.0.0', // just above CGNAT
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above it
    '192.0.1.1',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2001:4860:4860::8888',
    '2a00:1450:4001:80b::200e',
    '2606:4700:4700::1111',
    '64:ff9b::808:808', // NAT64 of a public address: how IPv6-only networks reach IPv4 outlets
  ])('lets %s through', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });
});

describe('assertFetchableUrl', () => {
  const LOOPBACK_SPELLINGS = [
    'http://127.0.0.1/feed',
    'http://127.1/feed',
    'http://127.0.1/feed',
    'http://2130706433/feed',
    'http://0x7f.0.0.1/feed',
    'http://0x7f.1/feed',
    'http://0x7f000001/feed',
    'http://0177.0.0.1/feed',
    'http://017700000001/feed',
    'http://127.0.0.1./feed',
    'http://%31%32%37.0.0.1/feed',
    'http://１２７.０.０.１/feed',
    'https://127.0.0.1:8443/feed',
  ];

  it.each(LOOPBACK_SPELLINGS)('sees %s as 127.0.0.1 and refuses it', (url) => {
    // Act
    const error = refusal(() => assertFetchableUrl(url));

    // Assess
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.stage).toBe('fetch');
    expect(error.message).toBe(
      'fetch: 127.0.0.1 is a loopback address; refused (use --allow-private-networks for local feeds)',
    );
  });

  it.each([
    ['http://[::1]/feed', '::1', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/feed', '::1', 'loopback'],
    ['http://[::ffff:127.0.0.1]/feed', '::ffff:7f00:1', 'IPv4-mapped'],
    ['http://[::ffff:a9fe:a9fe]/feed', '::ffff:a9fe:a9fe', 'IPv4-mapped'],
    ['http://[64:ff9b::10.0.0.1]/feed', '64:ff9b::a00:1', 'NAT64'],
    ['http://[2002:c0a8:101::1]/feed', '2002:c0a8:101::1', '6to4'],
    ['http://[fd00::1]/feed', 'fd00::1', 'unique-local'],
    ['http://[fe80::1]/feed', 'fe80::1', 'link-local'],
    ['http://[ff02::1]/feed', 'ff02::1', 'multicast'],
    ['http://0/feed', '0.0.0.0', 'unspecified'],
    ['http://4294967295/feed', '255.255.255.255', 'broadcast'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'link-local'],
    ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254', 'link-local'],
    ['http://10.1/', '10.0.0.1', 'private'],
    ['http://0300.0250.0.1/', '192.168.0.1', 'private'],
    ['http://100.64.0.1/', '100.64.0.1', 'carrier-grade NAT'],
  ])('refuses %s (%s, %s)', (url, address, what) => {
    const error = refusal(() => assertFetchableUrl(url));

    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toContain(`${address} is `);
    expect(error.message).toContain(what);
  });

  it('says what an IPv4-mapped address embeds', () => {
    const error = refusal(() => assertFetchableUrl('http://[::ffff:127.0.0.1]/'));

    expect(error.message).toBe(
      'fetch: ::ffff:7f00:1 is an IPv4-mapped IPv6 address (embeds 127.0.0.1, a loopback address); refused (use --allow-private-networks for local feeds)',
    );
  });

  it('accepts public addresses and host names, which are checked later on what they resolve to', () => {
    expect(assertFetchableUrl('https://news.am/eng/rss/').hostname).toBe('news.am');
    expect(assertFetchableUrl('http://93.184.215.14/feed').hostname).toBe('93.184.215.14');
    expect(assertFetchableUrl('https://[2606:4700::1]/feed').hostname).toBe('[2606:4700::1]');
    expect(assertFetchableUrl('http://localhost:8080/feed').hostname).toBe('localhost');
  });

  it.each([
    'file:///etc/passwd',
    'ftp://example.com/feed.xml',
    'gopher://127.0.0.1:6379/_INFO',
    'data:text/xml,<rss/>',
    'javascript:alert(1)',
  ])('refuses the scheme of %s', (url) => {
    const error = refusal(() => assertFetchableUrl(url));

    expect(error.code).toBe('UNSUPPORTED_SCHEME');
    expect(error.message).toMatch(/only http and https/);
  });

  it.each(['not a url', '', 'http://', 'http://[::1/feed', 'http://1.2.3.256/'])(
    'refuses %j as a bad URL',
    (url) => {
      expect(refusal(() => assertFetchableUrl(url)).code).toBe('BAD_URL');
    },
  );

  it('lifts the address checks, and only them, with allowPrivateNetworks', () => {
    const allow = { allowPrivateNetworks: true };

    expect(assertFetchableUrl('http://127.1:8080/feed', allow).host).toBe('127.0.0.1:8080');
    expect(assertFetchableUrl('http://[::1]/feed', allow).hostname).toBe('[::1]');
    expect(refusal(() => assertFetchableUrl('file:///etc/passwd', allow)).code).toBe(
      'UNSUPPORTED_SCHEME',
    );
  });

  it('keeps credentials out of its messages', () => {
    const error = refusal(() => assertFetchableUrl('ftp://editor:hunter2@example.com/feed'));

    expect(error.message).not.toContain('hunter2');
  });
});
