import { describe, expect, it } from 'vitest';
import { loadTokenSecrets } from '../../lambdas/handlers/token-secrets';
import { ConfigError } from '../../lambdas/shared/errors';

const client = (SecretString: string) => ({ send: async () => ({ SecretString }) }) as never;
const current = 'c'.repeat(40);
const previous = 'p'.repeat(40);

describe('loadTokenSecrets', () => {
  it('puts the current secret first and keeps the previous one for links sent before a rotation', async () => {
    // Act
    const secrets = await loadTokenSecrets(
      'arn:secret',
      client(JSON.stringify({ current, previous })),
    );

    // Assess
    expect(secrets).toEqual([current, previous]);
  });

  it('works without a previous secret', async () => {
    expect(
      await loadTokenSecrets('arn:secret', client(JSON.stringify({ current, previous: '' }))),
    ).toEqual([current]);
  });

  it('fails loudly, naming the variable, on a secret that is not the expected JSON or too short', async () => {
    await expect(loadTokenSecrets('arn:secret', client('plain text'))).rejects.toThrow(ConfigError);
    await expect(
      loadTokenSecrets('arn:secret', client(JSON.stringify({ current: 'short' }))),
    ).rejects.toThrow(/TOKEN_SECRET_ARN: current: current must be at least 32 characters/);
  });
});
