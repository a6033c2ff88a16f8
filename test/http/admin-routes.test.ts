import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createArticleRepository } from '../../lambdas/adapters/dynamodb/article.repository';
import { createFeedRepository } from '../../lambdas/adapters/dynamodb/feed.repository';
import { createTopicRepository } from '../../lambdas/adapters/dynamodb/topic.repository';
import { createGuardedFetcher } from '../../lambdas/adapters/http/guarded-fetcher';
import { createHttpApiHandler } from '../../lambdas/app/http-api';
import { feedIdFor } from '../../lambdas/domain/feeds/feed-state';
import { parseFeed } from '../../lambdas/domain/feeds/parse-feed';
import {
  type AdminRouteDeps,
  adminRoleAuthorizer,
  bearerTokenAuthorizer,
  iamAdminAuthorizer,
  registerAdminRoutes,
} from '../../lambdas/http/admin-routes';
import type { HttpRequest } from '../../lambdas/http/http-types';
import { createRouter, type Router } from '../../lambdas/http/router';
import { type FeedServer, startFeedServer } from '../../lambdas/local/feed-server';
import { createLocalApp } from '../../lambdas/local/local-app';
import { seedDefaultTaxonomy } from '../../lambdas/use-cases/taxonomy.use-case';
import { uniqueTableName } from '../helpers/dynamodb';
import { buildFeed, buildStoredArticle } from '../helpers/factories';
import { editedCorridors } from '../helpers/sample-store';
import { freshTable } from '../helpers/table';

const TOKEN = 'local-admin-token-0123456789abcdef';
const EDITOR_ARN = 'arn:aws:sts::111111111111:assumed-role/news-alerts-editors/anna';
const now = new Date('2026-11-26T12:00:00.000Z');
const LEDGER = readFileSync('test/fixtures/feeds/sample/caucasus-ledger-en.rss.xml');

/** A JSON request to the router, with the admin token unless `authorization` says otherwise. */
function request(
  method: string,
  path: string,
  body?: unknown,
  /** `null`: no Authorization header at all. */
  authorization: string | null = `Bearer ${TOKEN}`,
  contentType = 'application/json',
): HttpRequest {
  return {
    method,
    path,
    query: {},
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...(authorization ? { authorization } : {}),
    },
    body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
  };
}

const json = (response: { body: string }) => JSON.parse(response.body);

describe('admin routes', () => {
  let server: FeedServer;
  let deps: AdminRouteDeps;
  let router: Router;

  /** A body each route would accept, so a 403 can only come from the missing authorisation. */
  const validBodies = (): Record<string, unknown> => ({
    'PUT /admin/topics/:slug': { definition: editedCorridors() },
    'POST /admin/topics/:slug/disable': { reason: 'noisy' },
    'POST /admin/topics/:slug/enable': {},
    'POST /admin/topics/:slug/restore': { version: 1 },
    'POST /admin/topics/preview': { definition: editedCorridors() },
    'POST /admin/feeds': { url: server.urlOf('monitor.xml') },
    'POST /admin/feeds/check': {},
    'POST /admin/feeds/:id/disable': { reason: 'paywalled' },
  });
  const concrete = (path: string) =>
    path.replace(':slug', 'transport-corridors').replace(':id', 'ledger');

  /** Everything an admin route could change or cause: topics, versions, feeds, fetches. */
  const snapshot = async () => ({
    topics: await deps.topics.list(),
    history: await deps.topics.history('transport-corridors'),
    feeds: await deps.feeds.list(),
    fetches: server.requests.length,
  });

  beforeAll(async () => {
    server = await startFeedServer();
    server.put('ledger.xml', { body: LEDGER });
    server.put('monitor.xml', {
      body: readFileSync('test/fixtures/feeds/sample/south-caucasus-monitor-en.atom.xml'),
    });
    const { db, tableName } = await freshTable();
    const articles = createArticleRepository(db, tableName);
    deps = {
      topics: createTopicRepository(db, tableName),
      articles,
      feeds: createFeedRepository(db, tableName),
      fetcher: createGuardedFetcher({ allowPrivateNetworks: true }),
      parse: parseFeed,
      clock: () => now,
      feedId: feedIdFor,
    };
    await seedDefaultTaxonomy(deps.topics, deps.clock);
    await deps.feeds.add(
      buildFeed({ id: 'ledger', outlet: 'Caucasus Ledger', url: server.urlOf('ledger.xml') }, now),
    );
    await articles.putIfNew(
      buildStoredArticle({
        key: 'margara',
        title: 'Armenian and Turkish envoys discuss opening Margara crossing to travellers',
        summary: 'Armenia and Azerbaijan watch the border crossing.',
        publishedAt: '2026-11-24T09:00:00.000Z',
      }),
    );
    router = registerAdminRoutes(
      createRouter({ authorizeAdmin: bearerTokenAuthorizer(TOKEN) }),
      deps,
    );
  });
  afterAll(async () => {
    await server.close();
  });

  describe('without valid authorisation', () => {
    it.each([
      ['no Authorization header', null],
      ['a wrong token', 'Bearer local-admin-token-0123456789abcdeX'],
      ['the token without "Bearer"', TOKEN],
      ['Basic credentials', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
    ])(
      'answers 403 on every admin route with %s, and changes nothing',
      async (_case, authorization) => {
        // Prepare
        const before = await snapshot();
        const bodies = validBodies();
        const routes = router.routes().filter((route) => route.auth === 'admin');

        // Act
        const answers = [];
        for (const route of routes) {
          const key = `${route.method} ${route.path}`;
          const response = await router.handle(
            request(route.method, concrete(route.path), bodies[key], authorization),
          );
          answers.push([key, response.status]);
        }

        // Assess
        expect(routes.length).toBe(15);
        expect(answers).toEqual(routes.map((route) => [`${route.method} ${route.path}`, 403]));
        expect(await snapshot()).toEqual(before);
      },
    );

    it('answers 403 behind API Gateway when the request context carries no IAM caller, and serves a signed one', async () => {
      // Prepare
      const iamRouter = registerAdminRoutes(
        createRouter({ authorizeAdmin: iamAdminAuthorizer }),
        deps,
      );
      const handler = createHttpApiHandler({ router: iamRouter });
      const before = await snapshot();
      const bodies = validBodies();
      const routes = iamRouter.routes().filter((route) => route.auth === 'admin');

      // Act
      const unsigned = [];
      for (const route of routes) {
        const body = bodies[`${route.method} ${route.path}`];
        // A forged header is no IAM identity: only the authoriser's request context counts.
        const result = await handler(
          apiGatewayEvent(route.method, concrete(route.path), body, {
            'x-amzn-iam-user-arn': EDITOR_ARN,
          }),
        );
        unsigned.push(result.statusCode);
      }
      const unchanged = await snapshot();
      const signed = await handler(
        apiGatewayEvent('GET', '/admin/topics', undefined, {}, EDITOR_ARN),
      );

      // Assess
      expect(unsigned).toEqual(routes.map(() => 403));
      expect(unchanged).toEqual(before);
      expect(signed.statusCode).toBe(200);
      expect(json({ body: String(signed.body) }).topics.length).toBe(12);
    });

    it('serves only sessions of the stack admin role, not any IAM caller of the account', async () => {
      // Prepare
      const handler = createHttpApiHandler({
        router: registerAdminRoutes(
          createRouter({ authorizeAdmin: adminRoleAuthorizer('news-alerts-editors') }),
          deps,
        ),
      });
      const get = (arn: string) =>
        handler(apiGatewayEvent('GET', '/admin/topics', undefined, {}, arn));

      // Act
      const editor = await get(EDITOR_ARN);
      const otherRole = await get('arn:aws:sts::111111111111:assumed-role/ops-admins/bob');
      const lookalike = await get(
        'arn:aws:sts::111111111111:assumed-role/news-alerts-editors-2/eve',
      );
      const user = await get('arn:aws:iam::111111111111:user/news-alerts-editors');

      // Assess
      expect(editor.statusCode).toBe(200);
      expect([otherRole.statusCode, lookalike.statusCode, user.statusCode]).toEqual([
        403, 403, 403,
      ]);
    });

    it('records a change under the IAM caller, whatever the body claims', async () => {
      // Prepare
      const iamRouter = registerAdminRoutes(
        createRouter({ authorizeAdmin: iamAdminAuthorizer }),
        deps,
      );
      const handler = createHttpApiHandler({ router: iamRouter });

      // Act
      const disabled = await handler(
        apiGatewayEvent(
          'POST',
          '/admin/topics/energy-climate/disable',
          { reason: 'test', by: 'someone-else' },
          {},
          EDITOR_ARN,
        ),
      );
      await handler(
        apiGatewayEvent('POST', '/admin/topics/energy-climate/enable', {}, {}, EDITOR_ARN),
      );

      // Assess
      expect(disabled.statusCode).toBe(200);
      const history = await deps.topics.history('energy-climate');
      expect(history.at(-2)).toMatchObject({ enabled: false, savedBy: EDITOR_ARN, reason: 'test' });
    });
  });

  describe('with the admin token', () => {
    it('lists topics and shows one, and answers 404 for an unknown slug', async () => {
      // Act
      const listed = await router.handle(request('GET', '/admin/topics'));
      const shown = await router.handle(request('GET', '/admin/topics/peace-process'));
      const missing = await router.handle(request('GET', '/admin/topics/no-such-topic'));

      // Assess
      expect(listed.status).toBe(200);
      expect(json(listed).topics[0]).toMatchObject({ slug: 'relevance', kind: 'relevance' });
      expect(json(shown).topic).toMatchObject({ slug: 'peace-process', version: 1, enabled: true });
      expect(missing.status).toBe(404);
      expect(json(missing).error).toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    });

    it('refuses an invalid topic with 400 naming topic and rule, and saves nothing', async () => {
      // Prepare
      const definition = {
        ...editedCorridors(),
        rules: [{ id: 'corridor', anyOf: ['@lachin-coridor'] }],
      };
      const before = await deps.topics.history('transport-corridors');

      // Act
      const response = await router.handle(
        request('PUT', '/admin/topics/transport-corridors', { definition }),
      );

      // Assess
      expect(response.status).toBe(400);
      expect(json(response).error).toMatchObject({
        code: 'INVALID_TOPIC',
        issues: [{ topic: 'transport-corridors', rule: 'corridor' }],
      });
      expect(json(response).error.message).toContain(
        'topic "transport-corridors", rule "corridor": anyOf refers to unknown entity "@lachin-coridor"',
      );
      expect(await deps.topics.history('transport-corridors')).toEqual(before);
    });

    it('previews, saves, shows the history and restores a topic', async () => {
      // Act
      const preview = await router.handle(
        request('POST', '/admin/topics/preview', { definition: editedCorridors(), days: 30 }),
      );
      const saved = await router.handle(
        request('PUT', '/admin/topics/transport-corridors', {
          definition: editedCorridors(),
          reason: 'Margara',
          expectedVersion: 1,
        }),
      );
      const stale = await router.handle(
        request('PUT', '/admin/topics/transport-corridors', {
          definition: editedCorridors(),
          expectedVersion: 1,
        }),
      );
      const history = await router.handle(
        request('GET', '/admin/topics/transport-corridors/history'),
      );
      const restored = await router.handle(
        request('POST', '/admin/topics/transport-corridors/restore', { version: 1 }),
      );

      // Assess
      expect(preview.status).toBe(200);
      expect(json(preview).newlyMatched).toEqual([
        expect.objectContaining({
          key: 'margara',
          evidence: [expect.objectContaining({ rule: 'border-crossings', matched: 'Margara' })],
        }),
      ]);
      expect(saved.status).toBe(200);
      expect(json(saved)).toMatchObject({
        changed: true,
        previousVersion: 1,
        topic: { version: 2, savedBy: 'local admin', reason: 'Margara' },
      });
      expect(stale.status).toBe(409);
      expect(json(history).versions.map((v: { change: string }) => v.change)).toEqual([
        'created',
        'rule "border-crossings" added; rule "lachin" removed',
      ]);
      expect(json(restored).topic).toMatchObject({ version: 3, reason: 'restored version 1' });
    });

    it('refuses a definition whose slug is not the one in the path, and a form body', async () => {
      // Act
      const mismatch = await router.handle(
        request('PUT', '/admin/topics/peace-process', { definition: editedCorridors() }),
      );
      const form = await router.handle(
        request(
          'PUT',
          '/admin/topics/peace-process',
          'definition=x',
          `Bearer ${TOKEN}`,
          'application/x-www-form-urlencoded',
        ),
      );

      // Assess
      expect(mismatch.status).toBe(400);
      expect(json(mismatch).error.message).toContain('is not the one in the path');
      expect(form.status).toBe(415);
    });

    it('adds a feed after one fetch (or only shows it with dryRun), and refuses it twice', async () => {
      // Act
      const dryRun = await router.handle(
        request('POST', '/admin/feeds', { url: server.urlOf('monitor.xml'), dryRun: true }),
      );
      const added = await router.handle(
        request('POST', '/admin/feeds', { url: server.urlOf('monitor.xml') }),
      );
      const again = await router.handle(
        request('POST', '/admin/feeds', { url: server.urlOf('monitor.xml') }),
      );

      // Assess
      expect(dryRun.status).toBe(200);
      expect(json(dryRun)).toMatchObject({ saved: false, check: { ok: true, items: 8 } });
      expect(added.status).toBe(201);
      expect(json(added).feed).toMatchObject({ outlet: 'South Caucasus Monitor', enabled: true });
      expect(again.status).toBe(409);
      expect(json(again).error.code).toBe('FEED_EXISTS');
    });

    it('lists feeds with health, checks one, disables it with a reason, enables and removes it', async () => {
      // Act
      const listed = await router.handle(request('GET', '/admin/feeds'));
      const checked = await router.handle(request('POST', '/admin/feeds/ledger/check'));
      const noReason = await router.handle(request('POST', '/admin/feeds/ledger/disable', {}));
      const disabled = await router.handle(
        request('POST', '/admin/feeds/ledger/disable', { reason: 'paywalled' }),
      );
      const enabled = await router.handle(request('POST', '/admin/feeds/ledger/enable'));
      const removed = await router.handle(request('DELETE', '/admin/feeds/ledger'));
      const gone = await router.handle(request('DELETE', '/admin/feeds/ledger'));

      // Assess
      expect(json(listed).feeds).toContainEqual(
        expect.objectContaining({
          id: 'ledger',
          health: expect.objectContaining({ status: 'never-polled' }),
        }),
      );
      expect(json(checked).check).toMatchObject({ ok: true, items: 9, feedId: 'ledger' });
      expect(noReason.status).toBe(400);
      expect(json(disabled).feed).toMatchObject({
        enabled: false,
        disabledReason: 'paywalled (local admin, 2026-11-26)',
      });
      expect(json(enabled).feed.enabled).toBe(true);
      expect(removed.status).toBe(200);
      expect(gone.status).toBe(404);
    });
  });

  it('are served by npm start with its admin token, and refused without it', async () => {
    // Prepare
    const app = await createLocalApp({
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: uniqueTableName('admin-app'),
      sesEndpoint: 'http://127.0.0.1:9',
      publicBaseUrl: 'http://127.0.0.1:8787',
      tokenSecrets: ['test-secret-that-is-long-enough-0123456789'],
      sender: 'News Alerts <alerts@news-alerts.test>',
      allowPrivateNetworks: false,
      adminToken: TOKEN,
    });

    // Act
    const refused = await app.router.handle(request('GET', '/admin/topics', undefined, null));
    const served = await app.router.handle(request('GET', '/admin/topics'));

    // Assess
    expect(refused.status).toBe(403);
    expect(served.status).toBe(200);
    expect(json(served).topics).toHaveLength(12);
  });
});

/** An API Gateway HTTP API (v2) event; `iamArn` is what the IAM authoriser puts in the context. */
function apiGatewayEvent(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  iamArn?: string,
): APIGatewayProxyEventV2 {
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    requestContext: {
      accountId: '111111111111',
      apiId: 'api',
      domainName: 'alerts.example.org',
      domainPrefix: 'alerts',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'curl' },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795687200000,
    },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
  if (iamArn) {
    (event.requestContext as unknown as Record<string, unknown>).authorizer = {
      iam: { accountId: '111111111111', userArn: iamArn, userId: 'AROAEXAMPLE:anna' },
    };
  }
  return event;
}
