/**
 * Responses every route builds on: security headers on everything, HTML pages or JSON by content
 * negotiation. No cookies are ever set.
 */
import { createHash } from 'node:crypto';
import { PAGE_CSS } from '../domain/subscribers/pages';
import type { HttpRequest, HttpResponse } from './http-types';

// The one stylesheet the pages carry is allowed by its hash; no script of any kind is allowed.
const STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_CSS).digest('base64')}'`;

/** The Content-Security-Policy of every page. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers on every response, page or JSON. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  // Pages carry personal choices and links with tokens: keep them out of every cache.
  'cache-control': 'no-store',
};

/**
 * An HTML page response.
 *
 * @example htmlResponse(200, renderSubscribePage({ topics }))
 */
export function htmlResponse(
  status: number,
  html: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...headers },
    body: html,
  };
}

/**
 * A JSON response.
 *
 * @example jsonResponse(400, { error: { code: 'INVALID_INPUT', message: 'Enter your email address.' } })
 */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** A JSON error body: a stable code and a message a person can act on. */
export function jsonError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HttpResponse {
  return jsonResponse(status, { error: { code, message, ...extra } }, headers);
}

/**
 * True when the client wants JSON back: it sent JSON, or it accepts JSON and not HTML.
 *
 * @example wantsJson({ headers: { 'content-type': 'application/json' } }) // true
 */
export function wantsJson(request: Pick<HttpRequest, 'headers'>): boolean {
  const contentType = mediaType(request.headers['content-type']);
  if (contentType === 'application/json') return true;
  const accept = (request.headers.accept ?? '').toLowerCase();
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
