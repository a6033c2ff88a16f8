/**
 * A tiny router with no framework: a route table of (method, path pattern) → handler, the same
 * behind API Gateway and behind the local `node:http` server.
 *
 * - paths match exactly, segment by segment; `:name` segments capture (`/admin/topics/:slug`);
 * - HEAD is served by the GET handler, without the body; a known path with another method
 *   answers 405 with `Allow`; an unknown path 404;
 * - `auth: 'admin'` routes run only when the `authorizeAdmin` hook says yes (no hook: refused);
 * - a handler that throws answers 500 with a generic page, and the error is logged, never shown;
 * - every answer, errors included, carries the security headers and is JSON or HTML by what the
 *   client asked for.
 */
import { renderMessagePage } from '../domain/subscribers/pages';
import type {
  AdminAuthorizer,
  HttpRequest,
  HttpResponse,
  RouteAuth,
  RouteOptions,
} from './http-types';
import { htmlResponse, jsonError, wantsJson } from './responses';

/** What a handler gets besides the request: values of the path's `:name` segments. */
export interface RouteContext {
  params: Record<string, string>;
}

export type RouterHandler = (request: HttpRequest, context: RouteContext) => Promise<HttpResponse>;

export interface Router {
  /**
   * Adds a route.
   *
   * @example router.add('GET', '/admin/topics/:slug', showTopic, { auth: 'admin' })
   */
  add(method: string, path: string, handler: RouterHandler, options?: RouteOptions): Router;
  /** Answers one request. Never throws. */
  handle(request: HttpRequest): Promise<HttpResponse>;
  /** The routes, for documentation and tests. */
  routes(): ReadonlyArray<{ method: string; path: string; auth: RouteAuth }>;
}

export interface RouterOptions {
  authorizeAdmin?: AdminAuthorizer;
  logger?: { error(message: string, extra?: Record<string, unknown>): void };
}

interface Route {
  method: string;
  path: string;
  segments: string[];
  handler: RouterHandler;
  auth: RouteAuth;
}

/**
 * Creates an empty router.
 *
 * @example
 * const router = createRouter({ logger });
 * registerSubscriptionRoutes(router, deps);
 * const response = await router.handle({ method: 'GET', path: '/subscribe', query: {}, headers: {}, body: '' });
 */
export function createRouter(options: RouterOptions = {}): Router {
  const table: Route[] = [];

  const router: Router = {
    add(method, path, handler, routeOptions = {}) {
      if (!path.startsWith('/')) throw new Error(`route path must start with '/': ${path}`);
      table.push({
        method: method.toUpperCase(),
        path,
        segments: splitPath(path),
        handler,
        auth: routeOptions.auth ?? 'public',
      });
      return router;
    },

    routes() {
      return table.map(({ method, path, auth }) => ({ method, path, auth }));
    },

    async handle(request) {
      const method = request.method.toUpperCase();
      const segments = splitPath(request.path);
      const matches = table
        .map((route) => ({ route, params: matchPath(route.segments, segments) }))
        .filter(
          (entry): entry is { route: Route; params: Record<string, string> } =>
            entry.params !== undefined,
        );
      if (matches.length === 0) {
        return errorResponse(
          request,
          404,
          'NOT_FOUND',
          'Page not found',
          'There is no page at this address.',
        );
      }
      const lookup = method === 'HEAD' ? 'GET' : method;
      const match = matches.find((entry) => entry.route.method === lookup);
      if (!match) {
        const allowed = [...new Set(matches.map((entry) => entry.route.method))];
        if (allowed.includes('GET')) allowed.push('HEAD');
        return errorResponse(
          request,
          405,
          'METHOD_NOT_ALLOWED',
          'Method not allowed',
          `This address answers ${allowed.join(', ')}.`,
          { allow: allowed.join(', ') },
        );
      }
      try {
        if (match.route.auth === 'admin' && !(await isAdmin(options.authorizeAdmin, request))) {
          return errorResponse(
            request,
            403,
            'FORBIDDEN',
            'Not allowed',
            'This page is for editors.',
          );
        }
        const response = await match.route.handler(request, { params: match.params });
        return method === 'HEAD' ? { ...response, body: '' } : response;
      } catch (error) {
        options.logger?.error('route failed', {
          method,
          route: match.route.path,
          error:
            error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
        return errorResponse(
          request,
          500,
          'INTERNAL',
          'Something went wrong',
          'Something went wrong on our side. Please try again in a few minutes.',
        );
      }
    },
  };
  return router;
}

/**
 * An error answer in the form the client asked for: a JSON error or a short HTML page.
 *
 * @example errorResponse(request, 404, 'NOT_FOUND', 'Page not found', 'There is no page at this address.')
 */
export function errorResponse(
  request: Pick<HttpRequest, 'headers'>,
  status: number,
  code: string,
  title: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse {
  if (wantsJson(request)) return jsonError(status, code, message, {}, headers);
  return htmlResponse(status, renderMessagePage({ title, message }), headers);
}

async function isAdmin(
  authorize: AdminAuthorizer | undefined,
  request: HttpRequest,
): Promise<boolean> {
  if (!authorize) return false;
  try {
    return (await authorize(request)) === true;
  } catch {
    return false;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment, index) => index > 0 || segment !== '');
}

function matchPath(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const value = actual[index] ?? '';
    if (part.startsWith(':') && part.length > 1) {
      if (value === '') return undefined;
      try {
        params[part.slice(1)] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (part !== value) {
      return undefined;
    }
  }
  return params;
}
