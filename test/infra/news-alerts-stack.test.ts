import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LAMBDA_SERVICES } from '../../infra/constructs/bundle-options';
import { MAX_RECEIVE_COUNT } from '../../infra/constructs/job-queue';
import { ADMIN_ROUTE, PUBLIC_ROUTES } from '../../infra/constructs/news-api';
import { emailConsumerSizing } from '../../infra/email-throughput';
import { ensureTable } from '../../lambdas/adapters/dynamodb/table';
import { asList, resourcesOf, statementsOf, synthStage } from './synth';

type Json = Record<string, unknown>;

/** Logical id inside `{Ref: id}` or `{"Fn::GetAtt": [id, attr]}`. */
function refId(value: unknown): string | undefined {
  const node = value as Json;
  if (typeof node?.Ref === 'string') return node.Ref;
  const getAtt = node?.['Fn::GetAtt'];
  return Array.isArray(getAtt) ? String(getAtt[0]) : undefined;
}

/** What table.ts asks DynamoDB Local for, captured from its CreateTable call. */
async function tableShapeFromCode(): Promise<Json> {
  const sent: Json[] = [];
  const client = {
    send: async (command: { input: Json }) => {
      sent.push(command.input);
      return { Table: { TableStatus: 'ACTIVE' } };
    },
  } as unknown as DynamoDBClient;
  await ensureTable(client, 'shape');
  const create = sent.find((input) => 'KeySchema' in input);
  const ttl = sent.find((input) => 'TimeToLiveSpecification' in input);
  if (!create || !ttl) throw new Error('ensureTable did not create a table and set its TTL');
  return { ...create, TimeToLiveSpecification: ttl.TimeToLiveSpecification };
}

function functionsByService(template: ReturnType<typeof synthStage>['template']) {
  return new Map(
    resourcesOf(template, 'AWS::Lambda::Function').map(([id, resource]) => {
      const env = (resource.Properties.Environment as { Variables: Json }).Variables;
      return [String(env.POWERTOOLS_SERVICE_NAME), { id, props: resource.Properties, env }];
    }),
  );
}

/** Every logical id a resource refers to (Ref, Fn::GetAtt, DependsOn). */
function dependenciesOf(resource: Json): Set<string> {
  const found = new Set<string>(asList(resource.DependsOn as string | string[]));
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const id = refId(node);
      if (id && !id.startsWith('AWS::')) found.add(id);
      Object.values(node).forEach(visit);
    }
  };
  visit(resource.Properties);
  return found;
}

describe('NewsAlerts stack', () => {
  it.each(['dev', 'prod'] as const)(
    'has no dependency cycle, which CloudFormation would only refuse at deploy (%s)',
    (stage) => {
      // Prepare
      const template = synthStage(stage).template.toJSON() as { Resources: Record<string, Json> };
      const graph = new Map(
        Object.entries(template.Resources).map(([id, resource]) => [id, dependenciesOf(resource)]),
      );

      // Act
      const state = new Map<string, 'visiting' | 'done'>();
      const cycles: string[] = [];
      const walk = (id: string, path: string[]): void => {
        if (state.get(id) === 'done') return;
        if (state.get(id) === 'visiting') {
          cycles.push([...path, id].join(' -> '));
          return;
        }
        state.set(id, 'visiting');
        for (const next of graph.get(id) ?? []) if (graph.has(next)) walk(next, [...path, id]);
        state.set(id, 'done');
      };
      for (const id of graph.keys()) walk(id, []);

      // Assess
      expect(cycles).toEqual([]);
    },
  );

  describe('functions', () => {
    it('runs every Lambda on a pinned Node 24 runtime on arm64, as an ESM bundle with source maps', () => {
      // Prepare
      const { template } = synthStage('dev');

      // Act
      const functions = functionsByService(template);

      // Assess
      expect([...functions.keys()].sort()).toEqual([...LAMBDA_SERVICES].sort());
      for (const [service, fn] of functions) {
        expect(fn.props.Runtime, service).toBe('nodejs24.x');
        expect(fn.props.Architectures, service).toEqual(['arm64']);
        expect(fn.props.Handler, service).toBe('index.handler');
        expect(fn.env.NODE_OPTIONS, service).toBe('--enable-source-maps');
        expect(fn.env.POWERTOOLS_METRICS_NAMESPACE, service).toBe('NewsAlerts');
      }
    });

    it('writes each function’s logs to its own log group, kept for the stage’s retention', () => {
      // Prepare
      const { template, config } = synthStage('dev');

      // Act
      const functions = [...functionsByService(template).values()];
      const groups = new Map(resourcesOf(template, 'AWS::Logs::LogGroup'));

      // Assess
      const groupIds = functions.map((fn) =>
        refId((fn.props.LoggingConfig as Json | undefined)?.LogGroup),
      );
      expect(new Set(groupIds).size).toBe(functions.length);
      for (const id of groupIds) {
        expect(id && groups.get(id)?.Properties.RetentionInDays).toBe(config.logRetentionDays);
      }
    });

    it('gives each function exactly the environment its handler validates, with real values', () => {
      // Prepare
      const { template } = synthStage('prod');
      const needs: Record<string, string[]> = {
        'schedule-polls': ['TABLE_NAME', 'POLL_QUEUE_URL'],
        'poll-feed': ['TABLE_NAME', 'MATCH_QUEUE_URL'],
        'match-article': ['TABLE_NAME', 'EMAIL_QUEUE_URL', 'ALERT_DELAY_SECONDS'],
        'send-email': [
          'TABLE_NAME',
          'SENDER',
          'PUBLIC_BASE_URL',
          'SES_CONFIGURATION_SET',
          'SEND_RATE_PER_SECOND',
          'TOKEN_SECRET_ARN',
        ],
        'send-digests': ['TABLE_NAME', 'EMAIL_QUEUE_URL'],
        'ses-events': ['TABLE_NAME'],
        'http-api': [
          'TABLE_NAME',
          'PUBLIC_BASE_URL',
          'SENDER',
          'SES_CONFIGURATION_SET',
          'SEND_RATE_PER_SECOND',
          'TOKEN_SECRET_ARN',
          'SUBSCRIBE_LIMIT_PER_HOUR',
        ],
      };

      // Act
      const functions = functionsByService(template);

      // Assess
      for (const [service, variables] of Object.entries(needs)) {
        const env = functions.get(service)?.env ?? {};
        for (const name of variables) expect(env[name], `${service} ${name}`).toBeDefined();
      }
      expect(functions.get('send-email')?.env.SENDER).toBe('News Alerts <news@alerts.example.org>');
      expect(functions.get('http-api')?.env.PUBLIC_BASE_URL).toBe('https://news.example.org');
    });
  });

  describe('table', () => {
    it('has exactly the keys, indexes, billing and TTL that table.ts uses', async () => {
      // Prepare
      const { template } = synthStage('dev');
      const code = await tableShapeFromCode();

      // Act
      const [[, table] = []] = resourcesOf(template, 'AWS::DynamoDB::Table');
      const props = (table?.Properties ?? {}) as Json;

      // Assess
      const byName = (a: Json, b: Json) =>
        String(a.AttributeName ?? a.IndexName).localeCompare(
          String(b.AttributeName ?? b.IndexName),
        );
      expect(props.KeySchema).toEqual(code.KeySchema);
      expect([...(props.AttributeDefinitions as Json[])].sort(byName)).toEqual(
        [...(code.AttributeDefinitions as Json[])].sort(byName),
      );
      expect(
        (props.GlobalSecondaryIndexes as Json[])
          .map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }))
          .sort(byName),
      ).toEqual(
        (code.GlobalSecondaryIndexes as Json[])
          .map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }))
          .sort(byName),
      );
      expect(props.BillingMode).toBe(code.BillingMode);
      expect(props.TimeToLiveSpecification).toEqual(code.TimeToLiveSpecification);
    });

    it('keeps point-in-time recovery and KMS encryption on in every stage', () => {
      for (const stage of ['dev', 'prod'] as const) {
        // Prepare
        const { template } = synthStage(stage);

        // Act / Assess
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          // SSEEnabled: KMS with the account's AWS-managed key (absent would mean an AWS-owned key).
          SSESpecification: { SSEEnabled: true },
        });
      }
    });

    it('survives a stack deletion in prod (deletion protection, RETAIN) but not in dev', () => {
      // Prepare
      const prod = synthStage('prod').template;
      const dev = synthStage('dev').template;

      // Act / Assess
      prod.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      prod.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
      dev.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('queues', () => {
    it('parks a job in its DLQ after five failed receives, on every work queue', () => {
      // Prepare
      const { template } = synthStage('dev');

      // Act
      const queues = resourcesOf(template, 'AWS::SQS::Queue');
      const workQueues = queues.filter(([, queue]) => queue.Properties.RedrivePolicy);
      const ids = new Set(queues.map(([id]) => id));

      // Assess
      expect(workQueues).toHaveLength(3);
      for (const [id, queue] of workQueues) {
        const redrive = queue.Properties.RedrivePolicy as Json;
        expect(redrive.maxReceiveCount, id).toBe(MAX_RECEIVE_COUNT);
        expect(ids.has(refId(redrive.deadLetterTargetArn) ?? ''), id).toBe(true);
      }
    });

    it('encrypts every queue and refuses plain-HTTP access to it', () => {
      // Prepare
      const { template } = synthStage('dev');

      // Act
      const queues = resourcesOf(template, 'AWS::SQS::Queue');
      const policies = resourcesOf(template, 'AWS::SQS::QueuePolicy');
      const tlsOnly = new Set(
        policies
          .filter(([, policy]) =>
            JSON.stringify(policy.Properties.PolicyDocument).includes(
              '"aws:SecureTransport":"false"',
            ),
          )
          .flatMap(([, policy]) => asList(policy.Properties.Queues as unknown[]).map(refId)),
      );

      // Assess
      for (const [id, queue] of queues) {
        expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
        expect(tlsOnly.has(id), id).toBe(true);
      }
    });

    it('reports partial batch failures and hides messages for six times the consumer’s timeout', () => {
      // Prepare
      const { template } = synthStage('dev');
      const functions = new Map(resourcesOf(template, 'AWS::Lambda::Function'));
      const queues = new Map(resourcesOf(template, 'AWS::SQS::Queue'));

      // Act
      const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');

      // Assess
      expect(mappings).toHaveLength(3);
      for (const [id, mapping] of mappings) {
        const fn = functions.get(refId(mapping.Properties.FunctionName) ?? '');
        const queue = queues.get(refId(mapping.Properties.EventSourceArn) ?? '');
        expect(mapping.Properties.FunctionResponseTypes, id).toEqual(['ReportBatchItemFailures']);
        expect(Number(queue?.Properties.VisibilityTimeout), id).toBeGreaterThanOrEqual(
          6 * Number(fn?.Properties.Timeout),
        );
      }
    });

    it('caps the email consumer so all instances together stay within the SES send rate', () => {
      // Prepare
      const { template, config } = synthStage('prod');
      const sendEmail = functionsByService(template).get('send-email');
      const expected = emailConsumerSizing(config.email.sendRatePerSecond);

      // Act
      const [[, mapping] = []] = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(
        ([, esm]) => refId(esm.Properties.FunctionName) === sendEmail?.id,
      );
      const maxConcurrency = Number(
        (mapping?.Properties.ScalingConfig as Json | undefined)?.MaximumConcurrency,
      );
      const perInstance = Number(sendEmail?.env.SEND_RATE_PER_SECOND);

      // Assess
      expect(maxConcurrency).toBe(expected.maxConcurrency);
      expect(perInstance).toBe(expected.perInstanceRate);
      expect(mapping?.Properties.BatchSize).toBe(expected.batchSize);
      expect(maxConcurrency * perInstance).toBeLessThanOrEqual(config.email.sendRatePerSecond);
    });
  });

  describe('schedules', () => {
    it('polls every 5 minutes and queues digests hourly, retrying then dead-lettering', () => {
      // Prepare
      const { template } = synthStage('dev');
      const functions = functionsByService(template);
      const dlqs = new Set(resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => id));

      // Act
      const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule').map(([, schedule]) => {
        const target = schedule.Properties.Target as Json;
        return {
          expression: schedule.Properties.ScheduleExpression,
          target: refId(target.Arn),
          retries: (target.RetryPolicy as Json).MaximumRetryAttempts,
          dlq: refId((target.DeadLetterConfig as Json).Arn),
        };
      });

      // Assess
      expect(schedules).toHaveLength(2);
      const poll = schedules.find((s) => s.target === functions.get('schedule-polls')?.id);
      const digest = schedules.find((s) => s.target === functions.get('send-digests')?.id);
      expect(poll?.expression).toBe('rate(5 minutes)');
      expect(digest?.expression).toBe('rate(1 hour)');
      for (const schedule of [poll, digest]) {
        expect(schedule?.retries).toBeGreaterThan(0);
        expect(dlqs.has(schedule?.dlq ?? '')).toBe(true);
      }
    });
  });

  describe('HTTP API', () => {
    it('serves the subscriber pages without auth and the admin routes only with IAM (SigV4)', () => {
      // Prepare
      const { template } = synthStage('dev');

      // Act
      const routes = new Map(
        resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => [
          String(route.Properties.RouteKey),
          route.Properties.AuthorizationType,
        ]),
      );

      // Assess
      const publicKeys = PUBLIC_ROUTES.flatMap((route) =>
        route.methods.map((method) => `${method} ${route.path}`),
      );
      expect([...routes.keys()].sort()).toEqual([...publicKeys, `ANY ${ADMIN_ROUTE}`].sort());
      for (const key of publicKeys) expect(routes.get(key), key).toBe('NONE');
      expect(routes.get(`ANY ${ADMIN_ROUTE}`)).toBe('AWS_IAM');
    });

    it('lets only the configured principals assume the admin role, which may only invoke /admin', () => {
      // Prepare
      const { template } = synthStage('prod');

      // Act
      const [[, role] = []] = resourcesOf(template, 'AWS::IAM::Role').filter(([id]) =>
        id.startsWith('ApiAdminRole'),
      );
      const [[, policy] = []] = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) =>
        id.startsWith('ApiAdminRole'),
      );

      // Assess
      const trusted = statementsOf(role?.Properties.AssumeRolePolicyDocument).flatMap((statement) =>
        asList((statement.Principal as Json).AWS),
      );
      expect(trusted.sort()).toEqual([
        'arn:aws:iam::111111111111:role/news-alerts-editors',
        'arn:aws:iam::222222222222:root',
      ]);
      const statements = statementsOf(policy?.Properties.PolicyDocument);
      expect(statements).toHaveLength(1);
      expect(statements[0]?.Action).toBe('execute-api:Invoke');
      expect(JSON.stringify(statements[0]?.Resource)).toMatch(/\/\*\/\*\/admin\/\*"\]\]\}$/);
    });

    it('throttles the stage and writes an access log', () => {
      // Prepare
      const { template } = synthStage('dev');

      // Act / Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        AccessLogSettings: { DestinationArn: Match.anyValue() },
      });
    });
  });

  describe('permissions', () => {
    it('grants no wildcard action anywhere, and table access only on the one table', () => {
      // Prepare
      const { template } = synthStage('prod');
      const [[tableId] = []] = resourcesOf(template, 'AWS::DynamoDB::Table');

      // Act
      const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, policy]) =>
        statementsOf(policy.Properties.PolicyDocument),
      );

      // Assess
      for (const statement of statements) {
        const actions = asList(statement.Action as string | string[]);
        for (const action of actions) expect(action).not.toContain('*');
        if (actions.some((action) => action.startsWith('dynamodb:')))
          for (const resource of asList(statement.Resource))
            expect(JSON.stringify(resource)).toContain(`"${tableId}"`);
      }
    });

    it('lets only send-email and http-api send email, only as the configured sender', () => {
      // Prepare
      const { template } = synthStage('prod');
      const roleOf = new Map(
        [...functionsByService(template)].map(([service, fn]) => [refId(fn.props.Role), service]),
      );

      // Act
      const senders = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, policy]) =>
        statementsOf(policy.Properties.PolicyDocument)
          .filter((statement) => asList(statement.Action as string[]).includes('ses:SendRawEmail'))
          .map((statement) => ({
            services: asList(policy.Properties.Roles as unknown[]).map((role) =>
              roleOf.get(refId(role)),
            ),
            statement,
          })),
      );

      // Assess
      expect(senders.flatMap((sender) => sender.services).sort()).toEqual([
        'http-api',
        'send-email',
      ]);
      for (const { statement } of senders) {
        expect(statement.Condition).toEqual({
          StringEquals: { 'ses:FromAddress': 'news@alerts.example.org' },
        });
        expect(JSON.stringify(statement.Resource)).not.toContain('*');
      }
    });

    it('in the SES sandbox, also lets them send to this account’s verified identities', () => {
      // Prepare
      const { template, config } = synthStage('dev');

      // Act
      const resources = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, policy]) =>
        statementsOf(policy.Properties.PolicyDocument)
          .filter((statement) => asList(statement.Action as string[]).includes('ses:SendRawEmail'))
          .map((statement) => JSON.stringify(statement.Resource)),
      );

      // Assess
      expect(config.email.sandbox).toBe(true);
      expect(resources).toHaveLength(2);
      for (const resource of resources) expect(resource).toContain(':identity/*');
    });
  });

  describe('email', () => {
    it('routes SES bounces and complaints to the ses-events Lambda through SNS, reputation metrics on', () => {
      // Prepare
      const { template } = synthStage('dev');
      const sesEvents = functionsByService(template).get('ses-events');

      // Act
      const [[, destination] = []] = resourcesOf(
        template,
        'AWS::SES::ConfigurationSetEventDestination',
      );
      const config = destination?.Properties.EventDestination as Json;
      const topicId = refId((config.SnsDestination as Json).TopicARN);
      const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription').filter(
        ([, subscription]) => refId(subscription.Properties.TopicArn) === topicId,
      );

      // Assess
      expect(config.MatchingEventTypes).toEqual(['bounce', 'complaint']);
      expect(subscriptions).toHaveLength(1);
      expect(refId(subscriptions[0]?.[1].Properties.Endpoint)).toBe(sesEvents?.id);
      expect(subscriptions[0]?.[1].Properties.RedrivePolicy).toBeDefined();
      template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        ReputationOptions: { ReputationMetricsEnabled: true },
      });
    });

    it('generates the link-token secret as {"current": random, "previous": ""}', () => {
      // Prepare
      const { template } = synthStage('dev');

      // Act / Assess
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: {
          SecretStringTemplate: '{"previous":""}',
          GenerateStringKey: 'current',
          PasswordLength: Match.anyValue(),
        },
      });
    });

    it('creates the DKIM and MAIL FROM records when the stage names its hosted zone', () => {
      // Prepare
      const prod = synthStage('prod').template;
      const dev = synthStage('dev').template;

      // Act
      const records = resourcesOf(prod, 'AWS::Route53::RecordSet').map(
        ([, record]) => record.Properties.Type,
      );
      const devOutputs = Object.keys(dev.findOutputs('*'));

      // Assess
      expect(records.sort()).toEqual(['A', 'CNAME', 'CNAME', 'CNAME', 'MX', 'TXT']);
      expect(devOutputs.filter((name) => name.includes('Dkim'))).toHaveLength(3);
    });
  });
});
