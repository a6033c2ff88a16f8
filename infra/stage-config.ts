import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NewsAlertError } from '../lambdas/shared/errors';

/** A stage config file is missing or wrong; the message names the file and every bad field. */
export class StageConfigError extends NewsAlertError {
  override readonly name = 'StageConfigError';
  constructor(message: string) {
    super('infra', 'BAD_STAGE_CONFIG', message);
  }
}

const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'a lower-case DNS name',
  );

/** An IAM user or role ARN, or an account root (`arn:aws:iam::123456789012:root`). */
const iamPrincipalArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/,
    'an IAM user, role or account-root ARN',
  );

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/**
 * Everything that differs between two deployments of the stack. Read from
 * `infra/stages/<stage>.json`; see README.md, "Stage configuration", for each field.
 */
export const stageConfigSchema = z
  .object({
    /** Pins the account: synth refuses to run with credentials for another one. */
    account: z
      .string()
      .regex(/^\d{12}$/, '12 digits')
      .optional(),
    /**
     * The region of the whole stack, which is also the SES region: the configuration set, its
     * event topic and the Lambdas' SES client are regional. Default: CDK_DEFAULT_REGION.
     */
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as eu-central-1')
      .optional(),
    email: z.object({
      /** The verified domain the alerts come from (DKIM-signed, DMARC-aligned). */
      domain: hostname,
      /** `From:` address; must be on `domain`. */
      senderAddress: z.email(),
      senderName: z
        .string()
        .min(1)
        .max(64)
        .regex(/^[^<>"\r\n]+$/, 'no <, >, " or line breaks')
        .default('News Alerts'),
      /** Create the SES domain identity (Easy DKIM) in this stack. Off if it exists already. */
      manageIdentity: z.boolean().default(true),
      /** Custom MAIL FROM subdomain, so SPF aligns with the From domain for DMARC. */
      mailFromSubdomain: z
        .string()
        .regex(/^[a-z0-9-]{1,63}$/)
        .default('bounce'),
      /** The account's SES maximum send rate (SES console › Account dashboard). Sandbox: 1. */
      sendRatePerSecond: z.number().positive().max(1000).default(1),
      /**
       * The account is still in the SES sandbox: SES then also checks `ses:SendRawEmail` against
       * each (verified) recipient identity, so sending is allowed on this account's identities.
       * Set false once production access is granted.
       */
      sandbox: z.boolean().default(false),
      /** Also route delivery events to the ses-events Lambda (one invocation per email). */
      publishDeliveryEvents: z.boolean().default(false),
    }),
    /**
     * Route 53 public zone holding `email.domain`: the DKIM and MAIL FROM records are created
     * (else printed as outputs), and an alias for `api.customDomain` if it is in the zone too.
     */
    hostedZone: z.object({ hostedZoneId: z.string().min(1), zoneName: hostname }).optional(),
    schedules: z
      .object({
        pollEveryMinutes: z.number().int().min(1).max(60).default(5),
        digestEveryMinutes: z.number().int().min(15).max(60).default(60),
      })
      .prefault({}),
    /** Instant alerts wait this long so copies from other outlets join them. */
    alertDelaySeconds: z.number().int().min(0).max(900).default(120),
    subscribeLimitPerHour: z.number().int().positive().default(20),
    api: z
      .object({
        /** Public links point here; default: the custom domain, else the API's own URL. */
        publicBaseUrl: z.url({ protocol: /^https$/ }).optional(),
        customDomain: z
          .object({
            domainName: hostname,
            /** An ACM certificate for `domainName` in the stack's region. */
            certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\//),
          })
          .optional(),
        /** Requests per second across all routes (API Gateway stage throttle). */
        rateLimit: z.number().positive().default(20),
        burstLimit: z.number().int().positive().default(40),
      })
      .prefault({}),
    /** Who may assume the admin-API role (SigV4 on `/admin/*`). Empty: this account's admins. */
    adminPrincipals: z.array(iamPrincipalArn).default([]),
    /** Alarm notifications go here (the address must confirm the SNS subscription). */
    alarmEmail: z.email().optional(),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
    /** Deletion protection and RETAIN on the table, secret and logs. Only a dev stage turns it off. */
    retainData: z.boolean().default(true),
  })
  .strict()
  .superRefine((config, ctx) => {
    const senderDomain = config.email.senderAddress.split('@')[1]?.toLowerCase();
    if (senderDomain !== config.email.domain)
      ctx.addIssue({
        code: 'custom',
        path: ['email', 'senderAddress'],
        message: `must be an address on ${config.email.domain}`,
      });
    const zone = config.hostedZone?.zoneName;
    const inZone = (name: string) => !zone || name === zone || name.endsWith(`.${zone}`);
    if (config.email.manageIdentity && !inZone(config.email.domain))
      ctx.addIssue({
        code: 'custom',
        path: ['hostedZone', 'zoneName'],
        message: `must contain email.domain ${config.email.domain}`,
      });
    const domain = config.api.customDomain?.domainName;
    if (domain && config.api.publicBaseUrl && new URL(config.api.publicBaseUrl).host !== domain)
      ctx.addIssue({
        code: 'custom',
        path: ['api', 'publicBaseUrl'],
        message: `must be on the custom domain ${domain} (or leave it out)`,
      });
  });

export type StageConfig = z.infer<typeof stageConfigSchema> & { stage: string };

/** Where `infra/stages/<stage>.json` files live. */
export const STAGES_DIR = fileURLToPath(new URL('./stages/', import.meta.url));

const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Validates a stage config object; throws one StageConfigError naming every bad field.
 *
 * @example parseStageConfig('dev', JSON.parse(readFileSync('infra/stages/dev.json', 'utf8')))
 */
export function parseStageConfig(
  stage: string,
  raw: unknown,
  source = 'stage config',
): StageConfig {
  if (!STAGE_NAME.test(stage))
    throw new StageConfigError(`stage "${stage}" must match ${STAGE_NAME} (it names the stack)`);
  const result = stageConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new StageConfigError(`${source} is invalid — ${problems.join('; ')}`);
  }
  return { ...result.data, stage };
}

/**
 * Reads and validates `infra/stages/<stage>.json`.
 *
 * @example const config = loadStageConfig('prod');
 */
export function loadStageConfig(stage: string, directory = STAGES_DIR): StageConfig {
  if (!STAGE_NAME.test(stage))
    throw new StageConfigError(`stage "${stage}" must match ${STAGE_NAME} (it names the stack)`);
  const file = `${directory.replace(/\/$/, '')}/${stage}.json`;
  if (!existsSync(file))
    throw new StageConfigError(
      `no config for stage "${stage}": create ${file} (start from infra/stages/prod.example.json)`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StageConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseStageConfig(stage, raw, file);
}

/**
 * The stack's environment: the config's pins, else the CLI's defaults (CDK_DEFAULT_ACCOUNT and
 * CDK_DEFAULT_REGION, set from your credentials). Neither set — e.g. synth on a clean clone with
 * no credentials — gives an environment-agnostic template.
 */
export function stackEnvironment(
  config: StageConfig,
  env: Record<string, string | undefined> = process.env,
): { account?: string; region?: string } {
  const defaultAccount = env.CDK_DEFAULT_ACCOUNT;
  if (config.account && defaultAccount && config.account !== defaultAccount)
    throw new StageConfigError(
      `stage "${config.stage}" is pinned to account ${config.account} but your credentials are for ${defaultAccount}`,
    );
  const account = config.account ?? defaultAccount;
  const region = config.region ?? env.CDK_DEFAULT_REGION;
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}
