import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonResponse } from '../../lambdas/http/responses';
import { createRouter } from '../../lambdas/http/router';
import {
  HttpServerError,
  type LocalHttpServer,
  startHttpServer,
} from '../../lambdas/local/http-server';

describe('local HTTP server', () => {
  let server: LocalHttpServer;
  beforeAll(async () => {
    const router = createRouter().add('POST', '/echo', async (request) =>
      jsonResponse(200, {
        path: request.path,
        query: request.query,
        body: request.body,
        sourceIp: request.sourceIp,
      }),
    );
    server = await startHttpServer({ port: 0, host: '127.0.0.1', router, maxBodyBytes: 1024 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the router on loopback with the request as the router expects it', async () => {
    // Act
    const response = await fetch(`${server.baseUrl}/echo?token=u.abc&token=u.other`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    // Assess
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      path: '/echo',
      query: { token: 'u.abc' },
      body: 'List-Unsubscribe=One-Click',
      sourceIp: '127.0.0.1',
    });
  });

  it('refuses a body over its cap with 413 before the router sees it', async () => {
    // Act
    const response = await fetch(`${server.baseUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ filler: 'x'.repeat(5000) }),
    });

    // Assess
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('larger than 1 KB');
  });

  it('says clearly when the port is taken', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // Act
    const starting = startHttpServer({ port, host: '127.0.0.1', router: createRouter() });

    // Assess
    await expect(starting).rejects.toThrow(HttpServerError);
    await expect(starting).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
