/**
 * The URLs a subscriber receives: confirmation, preferences and unsubscribe. Every one carries a
 * signed token (see `tokens.ts`) and nothing else: no address, no tracking parameter.
 */
import { NewsAlertError } from '../../shared/errors';
import type { Subscriber } from './subscriber';
import { createTokenSigner, type TokenSigner } from './tokens';

/** How long a confirmation link works. */
export const CONFIRMATION_TTL_MS = 48 * 60 * 60 * 1000;

/** The base URL of the public pages is not an http(s) URL we can append paths to. */
export class LinkConfigError extends NewsAlertError {
  override readonly name = 'LinkConfigError';
  constructor(message: string) {
    super('links', 'BAD_BASE_URL', message);
  }
}

/** Structurally the `SubscriberLinks` port, plus the confirmation link the subscribe flow sends. */
export interface SubscriberLinkFactory {
  forSubscriber(subscriber: Pick<Subscriber, 'id' | 'tokenVersion'>): {
    unsubscribeUrl: string;
    preferencesUrl: string;
  };
  /** A confirmation link that stops working `CONFIRMATION_TTL_MS` after `now`. */
  confirmUrl(
    subscriber: Pick<Subscriber, 'id' | 'tokenVersion'>,
    now: Date,
  ): { url: string; expiresAt: Date };
  /** The signer behind the links, for the routes that check them. */
  readonly tokens: TokenSigner;
}

/**
 * Builds the links for the public pages at `baseUrl` (which may carry a path prefix, e.g. an
 * API Gateway stage).
 *
 * @example
 * const links = createSubscriberLinks({ baseUrl: 'https://alerts.example.org', secrets: [secret] });
 * links.forSubscriber(subscriber).unsubscribeUrl // 'https://alerts.example.org/unsubscribe?token=u.…'
 */
export function createSubscriberLinks(options: {
  baseUrl: string;
  secrets: readonly string[];
}): SubscriberLinkFactory {
  const base = normaliseBaseUrl(options.baseUrl);
  const tokens = createTokenSigner({ secrets: options.secrets });
  const url = (path: string, token: string) => `${base}/${path}?token=${encodeURIComponent(token)}`;
  return {
    tokens,
    forSubscriber(subscriber) {
      const common = { subscriberId: subscriber.id, version: subscriber.tokenVersion };
      return {
        unsubscribeUrl: url('unsubscribe', tokens.sign({ ...common, purpose: 'unsubscribe' })),
        preferencesUrl: url('preferences', tokens.sign({ ...common, purpose: 'preferences' })),
      };
    },
    confirmUrl(subscriber, now) {
      const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS);
      const token = tokens.sign({
        subscriberId: subscriber.id,
        version: subscriber.tokenVersion,
        purpose: 'confirm',
        expiresAt,
      });
      return { url: url('confirm', token), expiresAt };
    },
  };
}

function normaliseBaseUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new LinkConfigError(`public base URL '${value}' is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new LinkConfigError(`public base URL '${value}' must be http(s)`);
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new LinkConfigError(
      `public base URL '${value}' must not carry a query, fragment or credentials`,
    );
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
