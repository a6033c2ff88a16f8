import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Every setting a Lambda can read from its environment, validated once at cold start. Each
 * handler picks the keys it needs, so a missing one fails loudly, naming the variable, before any
 * event is handled.
 */
export const lambdaEnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  POLL_QUEUE_URL: z.url(),
  MATCH_QUEUE_URL: z.url(),
  EMAIL_QUEUE_URL: z.url(),
  /** `News Alerts <alerts@example.org>`: a verified SES identity. */
  SENDER: z.string().min(3),
  /** Base of the links in emails, e.g. `https://alerts.example.org` (the HTTP API's domain). */
  PUBLIC_BASE_URL: z.url(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /**
   * Emails per second ONE function instance may send: the account's SES rate divided by the
   * email consumer's maximum concurrency (the stack computes it), so all instances together stay
   * under the account's rate.
   */
  SEND_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(1),
  /** Secrets Manager secret holding `{"current": "…", "previous": "…"}` for link tokens. */
  TOKEN_SECRET_ARN: z.string().min(1),
  /** Instant alerts wait this long so copies from other outlets join them (SQS delay, ≤ 900). */
  ALERT_DELAY_SECONDS: z.coerce.number().int().min(0).max(900).default(120),
  /** The IAM role editors assume to call /admin/* (only its sessions pass the admin check). */
  ADMIN_ROLE_NAME: z.string().min(1).max(64),
  /** A subscribe POST from one client is refused past this many an hour. */
  SUBSCRIBE_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(20),
});

export type LambdaEnv = z.infer<typeof lambdaEnvSchema>;

/**
 * Parses the named variables from `env`; throws one ConfigError naming every bad variable.
 *
 * @example const config = loadConfig(['TABLE_NAME', 'MATCH_QUEUE_URL']);
 */
export function loadConfig<K extends keyof LambdaEnv>(
  names: readonly K[],
  env: Record<string, string | undefined> = process.env,
): Pick<LambdaEnv, K> {
  const mask = Object.fromEntries(names.map((name) => [name, true]));
  const result = lambdaEnvSchema.pick(mask as never).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid environment — ${problems.join('; ')}`);
  }
  return result.data as unknown as Pick<LambdaEnv, K>;
}
