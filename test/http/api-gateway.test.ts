import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fromApiGatewayEvent, toApiGatewayResult } from '../../lambdas/http/api-gateway';

function event(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/unsubscribe',
    rawQueryString: 'token=u.abc',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'alerts.example.org',
      domainPrefix: 'alerts',
      http: {
        method: 'POST',
        path: '/unsubscribe',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'Gmail',
      },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795687200000,
    },
    isBase64Encoded: false,
    body: 'List-Unsubscribe=One-Click',
    ...overrides,
  };
}

describe('API Gateway adapter', () => {
  it('turns an HTTP API event into a request', () => {
    // Act
    const request = fromApiGatewayEvent(event());

    // Assess
    expect(request).toEqual({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: 'u.abc' },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      sourceIp: '203.0.113.9',
    });
  });

  it('decodes a base64 body, drops a named stage prefix and keeps the first of repeated parameters', () => {
    // Prepare
    const base = event();
    const staged = event({
      rawPath: '/prod/preferences',
      rawQueryString: 'token=p.first&token=p.second',
      isBase64Encoded: true,
      body: Buffer.from('topics=peace-process&languages=hy', 'utf8').toString('base64'),
      requestContext: { ...base.requestContext, stage: 'prod' },
    });

    // Act
    const request = fromApiGatewayEvent(staged);

    // Assess
    expect(request.path).toBe('/preferences');
    expect(request.query).toEqual({ token: 'p.first' });
    expect(request.body).toBe('topics=peace-process&languages=hy');
  });

  it('turns a response into a result', () => {
    // Act
    const result = toApiGatewayResult({
      status: 202,
      headers: { 'content-type': 'text/html' },
      body: '<p>ok</p>',
    });

    // Assess
    expect(result).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'text/html' },
      body: '<p>ok</p>',
      isBase64Encoded: false,
    });
  });
});
