import { CfnOutput, type RemovalPolicy } from 'aws-cdk-lib';
import {
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, PublicHostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { acknowledgeNag, iamWildcardResource } from '../nag';
import type { StageConfig } from '../stage-config';

/** The subscriber pages: public, no auth (the signed token in each link is the credential). */
export const PUBLIC_ROUTES: ReadonlyArray<{ path: string; methods: HttpMethod[] }> = [
  { path: '/subscribe', methods: [HttpMethod.GET, HttpMethod.POST] },
  { path: '/confirm', methods: [HttpMethod.GET, HttpMethod.POST] },
  { path: '/preferences', methods: [HttpMethod.GET, HttpMethod.POST] },
  { path: '/unsubscribe', methods: [HttpMethod.GET, HttpMethod.POST] },
];

/** Editors' routes: IAM (SigV4) only. */
export const ADMIN_ROUTE = '/admin/{proxy+}';

export interface NewsApiProps {
  handler: IFunction;
  api: StageConfig['api'];
  hostedZone?: StageConfig['hostedZone'];
  adminPrincipals: readonly string[];
  /** A fixed name: the http-api function checks callers against it (no dependency cycle). */
  adminRoleName: string;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/**
 * The HTTP API (API Gateway v2) in front of the http-api Lambda: public subscription routes, IAM-
 * authorised admin routes, an access log, a stage throttle, an optional custom domain, and the
 * role editors assume to call the admin routes.
 */
export class NewsApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** Where emailed links point: the configured URL, else the custom domain, else the API's URL. */
  readonly publicBaseUrl: string;
  readonly adminRole: iam.Role;

  constructor(scope: Construct, id: string, props: NewsApiProps) {
    super(scope, id);
    const { api } = props;
    const integration = new HttpLambdaIntegration('Handler', props.handler);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'News Alerts: subscriber pages and the editors admin API',
      createDefaultStage: false,
      // A custom domain is the only way in when there is one: links never show the raw endpoint.
      disableExecuteApiEndpoint: Boolean(api.customDomain),
    });

    const domainName = api.customDomain
      ? new DomainName(this, 'Domain', {
          domainName: api.customDomain.domainName,
          certificate: Certificate.fromCertificateArn(
            this,
            'Certificate',
            api.customDomain.certificateArn,
          ),
        })
      : undefined;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: api.rateLimit, burstLimit: api.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
      ...(domainName ? { domainMapping: { domainName } } : {}),
    });

    for (const route of PUBLIC_ROUTES)
      for (const created of this.httpApi.addRoutes({
        path: route.path,
        methods: route.methods,
        integration,
        authorizer: new HttpNoneAuthorizer(),
      }))
        acknowledgeNag(
          created,
          'AwsSolutions-APIG4',
          'Public subscriber page (subscribe, confirm, preferences, unsubscribe) that must work from an email client without an account; confirm/preferences/unsubscribe check the signed token in the link, subscribe is rate-limited per client and by the stage throttle.',
        );
    this.httpApi.addRoutes({
      path: ADMIN_ROUTE,
      methods: [HttpMethod.ANY],
      integration,
      authorizer: new HttpIamAuthorizer(),
    });

    // HTTP APIs have no resource policy: callers are authorised by their own IAM policy. This
    // role carries the one permission and lists who may assume it.
    const principals = props.adminPrincipals.map((arn) => new iam.ArnPrincipal(arn));
    this.adminRole = new iam.Role(this, 'AdminRole', {
      roleName: props.adminRoleName,
      description: 'Assume to call the News Alerts admin API (SigV4, execute-api:Invoke)',
      assumedBy:
        principals.length > 0
          ? new iam.CompositePrincipal(...principals)
          : new iam.AccountRootPrincipal(),
    });
    const adminRoutes = this.httpApi.arnForExecuteApi('*', '/admin/*', '*');
    this.adminRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: [adminRoutes] }),
    );
    acknowledgeNag(
      this.adminRole,
      iamWildcardResource(this, adminRoutes),
      'One action (execute-api:Invoke) on this API only; the wildcards stand for the stage, any HTTP method and the paths under /admin/, which are exactly the admin routes.',
    );

    this.publicBaseUrl =
      api.publicBaseUrl?.replace(/\/$/, '') ??
      (domainName ? `https://${api.customDomain?.domainName}` : this.httpApi.apiEndpoint);

    const customName = api.customDomain?.domainName;
    const zone = props.hostedZone;
    if (domainName && customName && zone && isInZone(customName, zone.zoneName)) {
      new ARecord(this, 'DomainAlias', {
        zone: PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', zone),
        recordName: `${customName}.`,
        target: RecordTarget.fromAlias(
          new ApiGatewayv2DomainProperties(
            domainName.regionalDomainName,
            domainName.regionalHostedZoneId,
          ),
        ),
      });
    } else if (domainName) {
      new CfnOutput(this, 'DomainTarget', {
        description: `Point ${customName} here (CNAME, or an alias A record)`,
        value: domainName.regionalDomainName,
      });
    }
    new CfnOutput(this, 'PublicBaseUrl', {
      description: 'Base of the links in emails',
      value: this.publicBaseUrl,
    });
    new CfnOutput(this, 'AdminRoleArn', {
      description: 'Editors assume this role to call /admin/* (SigV4, service execute-api)',
      value: this.adminRole.roleArn,
    });
  }
}

function isInZone(name: string, zoneName: string): boolean {
  return name === zoneName || name.endsWith(`.${zoneName}`);
}
