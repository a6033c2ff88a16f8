import { describe, expect, it } from 'vitest';
import { emailConsumerSizing } from '../../infra/email-throughput';

describe('emailConsumerSizing', () => {
  it.each([0.5, 1, 14, 50, 200, 1000])(
    'keeps all send-email instances together within an SES rate of %s/s',
    (rate) => {
      // Act
      const sizing = emailConsumerSizing(rate);

      // Assess
      expect(sizing.maxConcurrency * sizing.perInstanceRate).toBeLessThanOrEqual(rate);
      expect(sizing.maxConcurrency * sizing.perInstanceRate).toBeGreaterThan(rate * 0.99);
      expect(sizing.maxConcurrency).toBeGreaterThanOrEqual(2);
      expect(sizing.maxConcurrency).toBeLessThanOrEqual(1000);
    },
  );

  it('gives each instance time to pace a full batch, retries included, well inside 15 minutes', () => {
    for (const rate of [0.1, 1, 14, 200]) {
      // Act
      const sizing = emailConsumerSizing(rate);

      // Assess
      expect(sizing.timeoutSeconds).toBeGreaterThanOrEqual(
        sizing.batchSize / sizing.perInstanceRate + 15,
      );
      expect(sizing.timeoutSeconds * 6).toBeLessThanOrEqual(15 * 60);
      expect(sizing.batchSize).toBeGreaterThanOrEqual(1);
      expect(sizing.batchSize).toBeLessThanOrEqual(10);
    }
  });

  it('adds instances as the SES rate grows past what one instance sends', () => {
    // Act
    const small = emailConsumerSizing(14);
    const large = emailConsumerSizing(200);

    // Assess
    expect(small.maxConcurrency).toBe(2);
    expect(large.maxConcurrency).toBe(20);
    expect(large.perInstanceRate).toBe(10);
  });

  it('refuses a rate that is not positive', () => {
    // Act / Assess
    expect(() => emailConsumerSizing(0)).toThrow(RangeError);
  });
});
