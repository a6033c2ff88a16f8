import { ConfigError } from '../../shared/errors';

/** Hands out permission to make one SES call, at most `ratePerSecond` per second on average. */
export interface SendPacer {
  /** Resolves when the caller may send; concurrent callers are queued in call order. */
  acquire(): Promise<void>;
}

export interface SendPacerOptions {
  ratePerSecond: number;
  /** Calls allowed back to back after an idle spell (bucket size). Default 1: evenly spaced. */
  burst?: number;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A token bucket that reserves a slot synchronously on every `acquire`, so callers running
 * concurrently in one process (several records of one SQS batch) share the rate instead of each
 * believing it has the whole of it. Tokens may go negative: that debt is how later callers learn
 * how long to wait.
 *
 * @example
 * const pacer = createSendPacer({ ratePerSecond: 14 });
 * await pacer.acquire(); // immediate
 * await pacer.acquire(); // about 71 ms later
 */
export function createSendPacer(options: SendPacerOptions): SendPacer {
  const rate = options.ratePerSecond;
  const burst = options.burst ?? 1;
  if (!(Number.isFinite(rate) && rate > 0)) {
    throw new ConfigError(`sendRatePerSecond must be a positive number, got ${rate}`);
  }
  if (!(Number.isFinite(burst) && burst >= 1)) {
    throw new ConfigError(`send burst must be at least 1, got ${burst}`);
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  let tokens = burst;
  let updatedAt = now();
  return {
    async acquire() {
      const at = now();
      tokens = Math.min(burst, tokens + ((at - updatedAt) * rate) / 1000);
      updatedAt = at;
      tokens -= 1;
      if (tokens >= 0) return;
      await sleep((-tokens * 1000) / rate);
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
