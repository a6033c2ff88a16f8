import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError } from '../shared/errors';

const secretSchema = z.object({
  current: z.string().min(32, 'current must be at least 32 characters'),
  previous: z.string().optional(),
});

/**
 * The link-token secrets, newest first: `current` signs, both verify, so links sent before a
 * rotation keep working while `previous` is kept (the operator runbook says how to rotate).
 *
 * @example const secrets = await loadTokenSecrets(config.TOKEN_SECRET_ARN);
 */
export async function loadTokenSecrets(
  secretArn: string,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): Promise<string[]> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(SecretString ?? '');
  } catch {
    throw new ConfigError(
      `TOKEN_SECRET_ARN: secret ${secretArn} is not JSON {"current": "…", "previous": "…"}`,
    );
  }
  const result = secretSchema.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError(
      `TOKEN_SECRET_ARN: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return [result.data.current, ...(result.data.previous ? [result.data.previous] : [])];
}
