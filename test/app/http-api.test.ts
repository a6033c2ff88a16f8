import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHttpApiHandler } from '../../lambdas/app/http-api';
import { createRouter } from '../../lambdas/http/router';
import { registerSubscriptionRoutes } from '../../lambdas/http/subscription-routes';
import { buildSubscriber } from '../helpers/factories';
import { subscriptionTestDeps, tokenOf } from '../helpers/subscriptions';

describe('HTTP API handler', () => {
  it('unsubscribes on a one-click POST that arrives through API Gateway with a base64 body', async () => {
    // Prepare
    const setup = await subscriptionTestDeps();
    const handler = createHttpApiHandler({
      router: registerSubscriptionRoutes(createRouter(), setup.deps),
    });
    const subscriber = buildSubscriber();
    await setup.subscribers.create(subscriber);
    const token = tokenOf(setup.links.forSubscriber(subscriber).unsubscribeUrl);
    const event = {
      version: '2.0',
      rawPath: '/unsubscribe',
      rawQueryString: `token=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Gmail' },
      isBase64Encoded: true,
      body: Buffer.from('List-Unsubscribe=One-Click').toString('base64'),
      requestContext: { stage: '$default', http: { method: 'POST', sourceIp: '203.0.113.9' } },
    } as unknown as APIGatewayProxyEventV2;

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect((await setup.subscribers.get(subscriber.id))?.status).toBe('unsubscribed');
  });
});
