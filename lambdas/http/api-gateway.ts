/**
 * API Gateway HTTP API (payload format 2.0) ⇄ the router's request and response.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpRequest, HttpResponse } from './http-types';

/**
 * Converts an API Gateway v2 event. The query is read from `rawQueryString` (API Gateway joins
 * repeated parameters with commas in `queryStringParameters`, which would mangle a token); a
 * named stage's prefix is removed from the path; a base64 body is decoded.
 *
 * @example fromApiGatewayEvent(event) // { method: 'POST', path: '/unsubscribe', query: { token: 'u.…' }, … }
 */
export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): HttpRequest {
  const stage = event.requestContext?.stage;
  let path = event.rawPath || '/';
  if (stage && stage !== '$default' && (path === `/${stage}` || path.startsWith(`/${stage}/`))) {
    path = path.slice(stage.length + 1) || '/';
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const body = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  const sourceIp = event.requestContext?.http?.sourceIp;
  const principal = iamPrincipal(event);
  return {
    method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
    path,
    query: parseQuery(event.rawQueryString ?? ''),
    headers,
    body,
    ...(sourceIp ? { sourceIp } : {}),
    ...(principal ? { principal } : {}),
  };
}

/**
 * The IAM caller API Gateway verified (routes with the IAM authoriser carry
 * `requestContext.authorizer.iam`). Only the request context is trusted, never a header.
 */
function iamPrincipal(event: APIGatewayProxyEventV2): HttpRequest['principal'] {
  const context = event.requestContext as { authorizer?: { iam?: Record<string, unknown> } };
  const iam = context?.authorizer?.iam;
  const arn = typeof iam?.userArn === 'string' ? iam.userArn : undefined;
  if (!arn) return undefined;
  const accountId = typeof iam?.accountId === 'string' ? iam.accountId : undefined;
  return { kind: 'iam', arn, ...(accountId ? { accountId } : {}) };
}

/**
 * Converts the router's response for API Gateway.
 *
 * @example toApiGatewayResult({ status: 200, headers: {}, body: 'ok' }) // { statusCode: 200, headers: {}, body: 'ok', isBase64Encoded: false }
 */
export function toApiGatewayResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: false,
  };
}

/**
 * Query parameters, the first value of each name.
 *
 * @example parseQuery('token=a&token=b&x=%20') // { token: 'a', x: ' ' }
 */
export function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(raw)) {
    if (!(name in query)) query[name] = value;
  }
  return query;
}
