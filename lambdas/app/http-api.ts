import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fromApiGatewayEvent, toApiGatewayResult } from '../http/api-gateway';
import type { Router } from '../http/router';

export interface HttpApiHandlerDeps {
  /** The router with every route registered (subscriber routes, admin routes). */
  router: Router;
}

/**
 * The HTTP API Lambda (API Gateway HTTP API, payload format 2.0) over the shared router. Build the
 * router once at module scope (config parsed with zod, adapters created) and pass it in.
 *
 * @example
 * const router = createRouter({ logger });
 * registerSubscriptionRoutes(router, deps);
 * export const handler = createHttpApiHandler({ router });
 */
export function createHttpApiHandler(
  deps: HttpApiHandlerDeps,
): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => toApiGatewayResult(await deps.router.handle(fromApiGatewayEvent(event)));
}
