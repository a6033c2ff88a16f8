import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../lambdas/http/http-types';
import { jsonResponse } from '../../lambdas/http/responses';
import { createRouter } from '../../lambdas/http/router';

function request(overrides: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', path: '/', query: {}, headers: {}, body: '', ...overrides };
}

const ok = async () => jsonResponse(200, { ok: true });

describe('router', () => {
  it('answers an unknown path 404 as a page, with the security headers', async () => {
    // Prepare
    const router = createRouter().add('GET', '/subscribe', ok);

    // Act
    const response = await router.handle(request({ path: '/nowhere' }));

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('Page not found');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(response.headers['content-security-policy']).toMatch(/form-action 'self'/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('answers 405 with the methods a path allows', async () => {
    // Prepare
    const router = createRouter().add('GET', '/unsubscribe', ok).add('POST', '/unsubscribe', ok);

    // Act
    const response = await router.handle(request({ method: 'DELETE', path: '/unsubscribe' }));

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, POST, HEAD');
  });

  it('serves HEAD from the GET handler without a body', async () => {
    // Prepare
    const router = createRouter().add('GET', '/subscribe', ok);

    // Act
    const response = await router.handle(request({ method: 'HEAD', path: '/subscribe' }));

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
  });

  it('hands path parameters to the handler', async () => {
    // Prepare
    const router = createRouter().add('GET', '/admin/topics/:slug', async (_request, { params }) =>
      jsonResponse(200, params),
    );
    const authorised = createRouter({ authorizeAdmin: () => true }).add(
      'GET',
      '/admin/topics/:slug',
      async (_request, { params }) => jsonResponse(200, params),
      { auth: 'admin' },
    );

    // Act
    const open = await router.handle(request({ path: '/admin/topics/peace-process' }));
    const guarded = await authorised.handle(request({ path: '/admin/topics/peace%2Dprocess' }));

    // Assess
    expect(JSON.parse(open.body)).toEqual({ slug: 'peace-process' });
    expect(JSON.parse(guarded.body)).toEqual({ slug: 'peace-process' });
  });

  it('refuses admin routes when no authoriser is configured or it says no', async () => {
    // Prepare
    const noHook = createRouter().add('GET', '/admin/feeds', ok, { auth: 'admin' });
    const denying = createRouter({
      authorizeAdmin: (incoming) => incoming.headers['x-admin-token'] === 'right',
    }).add('GET', '/admin/feeds', ok, { auth: 'admin' });

    // Act
    const withoutHook = await noHook.handle(request({ path: '/admin/feeds' }));
    const wrongToken = await denying.handle(
      request({ path: '/admin/feeds', headers: { 'x-admin-token': 'wrong' } }),
    );
    const rightToken = await denying.handle(
      request({ path: '/admin/feeds', headers: { 'x-admin-token': 'right' } }),
    );

    // Assess
    expect(withoutHook.status).toBe(403);
    expect(wrongToken.status).toBe(403);
    expect(rightToken.status).toBe(200);
    expect(noHook.routes()).toEqual([{ method: 'GET', path: '/admin/feeds', auth: 'admin' }]);
  });

  it('answers 500 without showing the error, and logs it', async () => {
    // Prepare
    const logged: Array<Record<string, unknown> | undefined> = [];
    const router = createRouter({ logger: { error: (_message, extra) => logged.push(extra) } }).add(
      'GET',
      '/boom',
      async () => {
        throw new Error('table news-alerts is on fire');
      },
    );

    // Act
    const response = await router.handle(
      request({ path: '/boom', headers: { accept: 'application/json' } }),
    );

    // Assess
    expect(response.status).toBe(500);
    expect(response.body).not.toContain('fire');
    expect(JSON.parse(response.body).error.code).toBe('INTERNAL');
    expect(logged[0]).toMatchObject({ route: '/boom' });
  });
});
