import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anyAddress } from '../../../lambdas/adapters/http/address-guard';
import { type FetchSettings, fetchFeed } from '../../../lambdas/adapters/http/fetch-feed';
import { createGuardedFetcher } from '../../../lambdas/adapters/http/guarded-fetcher';
import {
  closeAllServers,
  fetchFailure,
  installLoopbackOnlyNet,
  loopbackLookup,
  startServer,
} from './servers';

/**
 * https against real TLS servers on 127.0.0.1 with a throwaway self-signed certificate made by
 * the openssl CLI. The fetcher is given that certificate as an extra trust anchor through
 * `FetchSettings.ca`, which production never sets.
 */

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const RSS = '<rss version="2.0"><channel><title>TLS</title></channel></rss>';

describe.skipIf(!hasOpenssl())('https', () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;
  let removeSafetyNet: () => void;
  const servers: https.Server[] = [];

  beforeAll(() => {
    removeSafetyNet = installLoopbackOnlyNet();
    dir = mkdtempSync(join(tmpdir(), 'news-alerts-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,DNS:feeds.example,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  });

  afterAll(() => {
    removeSafetyNet();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await closeAllServers();
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  });

  async function startTlsServer(
    handler: (url: string, res: import('node:http').ServerResponse) => void,
  ): Promise<{ origin: string; port: number; urls: string[] }> {
    const urls: string[] = [];
    const server = https.createServer({ key, cert }, (req, res) => {
      urls.push(req.url ?? '');
      handler(req.url ?? '', res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    return { origin: `https://127.0.0.1:${port}`, port, urls };
  }

  function settings(): FetchSettings {
    return {
      addressPolicy: anyAddress,
      resolve: loopbackLookup(),
      connectTimeoutMs: 2_000,
      totalTimeoutMs: 5_000,
      maxBodyBytes: 1024 * 1024,
      maxRedirects: 5,
      userAgent: 'test',
      ca: cert,
    };
  }

  it('fetches a feed over TLS, by address and by name', async () => {
    const server = await startTlsServer((_url, res) => res.end(RSS));

    const byAddress = await fetchFeed({ url: `${server.origin}/rss` }, settings());
    const byName = await fetchFeed({ url: `https://feeds.example:${server.port}/rss` }, settings());

    expect(byAddress.kind).toBe('ok');
    expect(byName.kind).toBe('ok');
  });

  it('follows an https redirect to another https server', async () => {
    const target = await startTlsServer((_url, res) => res.end(RSS));
    const origin = await startTlsServer((_url, res) => {
      res.writeHead(301, { Location: `${target.origin}/feed` });
      res.end();
    });

    const outcome = await fetchFeed({ url: `${origin.origin}/rss` }, settings());

    expect(outcome).toMatchObject({ kind: 'ok', permanentUrl: `${target.origin}/feed` });
  });

  it('refuses a redirect from https to http and never contacts the http server', async () => {
    // Prepare
    const plain = await startServer((_req, res) => res.end(RSS));
    const secure = await startTlsServer((_url, res) => {
      res.writeHead(302, { Location: `${plain.origin}/rss` });
      res.end();
    });

    // Act
    const error = await fetchFailure(fetchFeed({ url: `${secure.origin}/rss` }, settings()));

    // Assess
    expect(error.code).toBe('INSECURE_REDIRECT');
    expect(error.message).toBe(
      `fetch: ${secure.origin}/rss redirects to ${plain.origin}/rss, from https to plain http; refused`,
    );
    expect(plain.connections).toBe(0);
  });

  it('verifies certificates: a self-signed one is refused without the extra trust anchor', async () => {
    const server = await startTlsServer((_url, res) => res.end(RSS));

    const error = await fetchFailure(
      createGuardedFetcher({ allowPrivateNetworks: true }).fetch({ url: `${server.origin}/rss` }),
    );

    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/self[- ]signed/i);
    expect(server.urls).toHaveLength(0);
  });

  it('verifies the host name against the certificate', async () => {
    const server = await startTlsServer((_url, res) => res.end(RSS));

    const error = await fetchFailure(
      fetchFeed({ url: `https://wrong-name.example:${server.port}/rss` }, settings()),
    );

    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/altnames|ERR_TLS_CERT_ALTNAME_INVALID/);
  });
});
