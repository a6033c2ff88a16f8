import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/create-app';
import type { NewsAlertsStack } from '../../infra/news-alerts-stack';
import { loadStageConfig, parseStageConfig, type StageConfig } from '../../infra/stage-config';

/** A production-shaped stage: pinned env, custom domain, Route 53 zone, editors, alarm email. */
export const PROD_LIKE_RAW = {
  account: '111111111111',
  region: 'eu-central-1',
  email: {
    domain: 'alerts.example.org',
    senderAddress: 'news@alerts.example.org',
    senderName: 'News Alerts',
    sendRatePerSecond: 14,
  },
  hostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.org' },
  api: {
    customDomain: {
      domainName: 'news.example.org',
      certificateArn:
        'arn:aws:acm:eu-central-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
    },
  },
  adminPrincipals: [
    'arn:aws:iam::111111111111:role/news-alerts-editors',
    'arn:aws:iam::222222222222:root',
  ],
  alarmEmail: 'oncall@example.org',
  retainData: true,
};

export interface Synthesized {
  stack: NewsAlertsStack;
  template: Template;
  config: StageConfig;
}

const cache = new Map<string, Synthesized>();

/**
 * Synthesizes a stage with bundling skipped (`aws:cdk:bundling-stacks: []`): templates in a
 * second, not a minute. Memoised per stage/config so a test file synthesizes each shape once.
 */
export function synthStage(
  stage: 'dev' | 'prod',
  overrides: Partial<Record<string, unknown>> = {},
): Synthesized {
  const key = `${stage}:${JSON.stringify(overrides)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const config =
    stage === 'dev'
      ? loadStageConfig('dev')
      : parseStageConfig('prod', { ...PROD_LIKE_RAW, ...overrides });
  const { stack } = createApp({
    context: { stage, 'aws:cdk:bundling-stacks': [] },
    config,
    // No credentials: CDK_DEFAULT_ACCOUNT/REGION unset, as on a clean clone.
    env: {},
  });
  const result = { stack, template: Template.fromStack(stack), config };
  cache.set(key, result);
  return result;
}

/** Resources of one type, as [logicalId, resource] pairs. */
export function resourcesOf(
  template: Template,
  type: string,
): Array<[string, { Properties: Record<string, unknown> } & Record<string, unknown>]> {
  return Object.entries(template.findResources(type)) as Array<
    [string, { Properties: Record<string, unknown> } & Record<string, unknown>]
  >;
}

/** Always an array: IAM lets Action/Resource be a string or a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The statements of an IAM policy document (empty when there is none). */
export function statementsOf(document: unknown): Array<Record<string, unknown>> {
  return asList(
    (document as { Statement?: Array<Record<string, unknown>> } | undefined)?.Statement,
  );
}
