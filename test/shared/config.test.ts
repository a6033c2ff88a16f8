import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambdas/shared/config';
import { ConfigError } from '../../lambdas/shared/errors';

describe('loadConfig', () => {
  it('reads and coerces the variables a handler asks for, with defaults', () => {
    // Act
    const config = loadConfig(['TABLE_NAME', 'SEND_RATE_PER_SECOND', 'ALERT_DELAY_SECONDS'], {
      TABLE_NAME: 'news-alerts',
      SEND_RATE_PER_SECOND: '7',
    });

    // Assess
    expect(config).toEqual({
      TABLE_NAME: 'news-alerts',
      SEND_RATE_PER_SECOND: 7,
      ALERT_DELAY_SECONDS: 120,
    });
  });

  it('names every missing or bad variable at once', () => {
    // Act
    const attempt = () =>
      loadConfig(['TABLE_NAME', 'MATCH_QUEUE_URL'], { MATCH_QUEUE_URL: 'not a url' });

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/TABLE_NAME: .*; MATCH_QUEUE_URL: /);
  });
});
