/**
 * Signed link tokens: what stands between a URL in an email and a change to someone's
 * subscription. A token names a subscriber by their random id (never the address), says what it
 * may do (its purpose), which generation of links it belongs to (the subscriber's `tokenVersion`)
 * and, for confirmation links, when it expires, all under an HMAC-SHA256.
 *
 * Format (ASCII, URL-safe, ~80 characters): `<purpose>.<subscriberId>.<version>.<expiry>.<mac>`
 * - purpose: one letter (`c` confirm, `p` preferences, `u` unsubscribe);
 * - subscriberId: base64url, 1–64 characters (ours are 22: 128 random bits);
 * - version: decimal, no leading zeros;
 * - expiry: epoch seconds in base 36, or `0` for links that do not expire;
 * - mac: base64url of HMAC-SHA256(secret, domain tag + the four fields), 43 characters.
 *
 * Verification is strict: any other shape is `malformed`; the MAC is compared in constant time
 * against the MAC of every configured secret (the first signs, all verify, so a secret can be
 * rotated: put the new one first and drop the old one after the grace period); only a token whose
 * MAC is good is looked at further (purpose, then expiry). The comparison is on the exact
 * base64url text, so a non-canonical encoding of the right bytes is refused too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { NewsAlertError } from '../../shared/errors';

export type TokenPurpose = 'confirm' | 'preferences' | 'unsubscribe';

const PURPOSE_CODE: Record<TokenPurpose, string> = {
  confirm: 'c',
  preferences: 'p',
  unsubscribe: 'u',
};
const PURPOSE_OF: Record<string, TokenPurpose> = {
  c: 'confirm',
  p: 'preferences',
  u: 'unsubscribe',
};

// Separates these MACs from any other use of the same secret (e.g. hashing client addresses).
const DOMAIN_TAG = 'news-alerts/link-token/v1';
const TOKEN_SHAPE =
  /^([cpu])\.([A-Za-z0-9_-]{1,64})\.(0|[1-9][0-9]{0,8})\.(0|[1-9a-z][0-9a-z]{0,10})\.([A-Za-z0-9_-]{43})$/;
/** Longest token text we look at; anything longer is malformed without further work. */
export const MAX_TOKEN_LENGTH = 200;
const MIN_SECRET_LENGTH = 32;

/** Why a token was refused. Only `expired` and `wrong-purpose` come from a token we signed. */
export type TokenRejection = 'malformed' | 'bad-signature' | 'wrong-purpose' | 'expired';

export type TokenCheck =
  | { ok: true; subscriberId: string; version: number; purpose: TokenPurpose; expiresAt?: Date }
  | { ok: false; reason: TokenRejection };

/** Token secrets are missing or too short to be safe. */
export class TokenConfigError extends NewsAlertError {
  override readonly name = 'TokenConfigError';
  constructor(message: string) {
    super('tokens', 'BAD_SECRET', message);
  }
}

export interface TokenSigner {
  /**
   * Signs a token for `purpose`. `expiresAt` is required for confirmation links (they expire);
   * preferences and unsubscribe links live as long as the subscriber's token version.
   */
  sign(input: {
    subscriberId: string;
    version: number;
    purpose: TokenPurpose;
    expiresAt?: Date;
  }): string;
  /** Checks a token for one purpose at `now`. Never throws on hostile input. */
  verify(token: string | undefined, purpose: TokenPurpose, now: Date): TokenCheck;
  /**
   * A keyed, one-way pseudonym of a value (a client address for rate limits): stable for one
   * signing secret, useless to anyone without it, unlike a plain hash of the small IPv4 space.
   */
  pseudonym(label: string, value: string): string;
}

/**
 * Builds the signer over a list of secrets: the first signs, every one verifies.
 *
 * @example
 * const tokens = createTokenSigner({ secrets: [process.env.NEW_SECRET, process.env.OLD_SECRET] });
 * const token = tokens.sign({ subscriberId: 'q3Vx0cJ2Z0mF8n4r9kLw1A', version: 1, purpose: 'unsubscribe' });
 * tokens.verify(token, 'unsubscribe', new Date()) // { ok: true, subscriberId: 'q3Vx…', version: 1, … }
 * tokens.verify(token, 'preferences', new Date()) // { ok: false, reason: 'wrong-purpose' }
 */
export function createTokenSigner(options: { secrets: readonly string[] }): TokenSigner {
  const secrets = [...options.secrets];
  const [signingSecret] = secrets;
  if (signingSecret === undefined)
    throw new TokenConfigError('at least one token secret is needed');
  for (const [index, secret] of secrets.entries()) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new TokenConfigError(
        `token secret #${index + 1} is ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} random characters`,
      );
    }
  }

  const mac = (secret: string, fields: string) =>
    createHmac('sha256', secret).update(`${DOMAIN_TAG}\n${fields}`).digest('base64url');

  return {
    sign({ subscriberId, version, purpose, expiresAt }) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(subscriberId)) {
        throw new TokenConfigError('subscriber ids must be 1–64 base64url characters');
      }
      if (!Number.isSafeInteger(version) || version < 0 || version > 999_999_999) {
        throw new TokenConfigError(`token version ${version} is out of range`);
      }
      if (purpose === 'confirm' && !expiresAt) {
        throw new TokenConfigError('confirmation tokens must expire');
      }
      const expiry = expiresAt ? Math.ceil(expiresAt.getTime() / 1000).toString(36) : '0';
      const fields = `${PURPOSE_CODE[purpose]}.${subscriberId}.${version}.${expiry}`;
      return `${fields}.${mac(signingSecret, fields)}`;
    },

    verify(token, purpose, now) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
        return { ok: false, reason: 'malformed' };
      }
      const match = TOKEN_SHAPE.exec(token);
      if (!match) return { ok: false, reason: 'malformed' };
      const [, code = '', subscriberId = '', version = '', expiry = '', given = ''] = match;
      const fields = `${code}.${subscriberId}.${version}.${expiry}`;
      const givenBytes = Buffer.from(given, 'ascii');
      let valid = false;
      // Every secret is tried, even after a match, so timing says nothing about which one signed.
      for (const secret of secrets) {
        const expected = Buffer.from(mac(secret, fields), 'ascii');
        if (expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)) {
          valid = true;
        }
      }
      if (!valid) return { ok: false, reason: 'bad-signature' };
      const claimed = PURPOSE_OF[code];
      if (claimed !== purpose) return { ok: false, reason: 'wrong-purpose' };
      const expiresAt = expiry === '0' ? undefined : new Date(Number.parseInt(expiry, 36) * 1000);
      if (expiresAt && expiresAt.getTime() <= now.getTime())
        return { ok: false, reason: 'expired' };
      if (purpose === 'confirm' && !expiresAt) return { ok: false, reason: 'malformed' };
      return {
        ok: true,
        subscriberId,
        version: Number(version),
        purpose,
        ...(expiresAt ? { expiresAt } : {}),
      };
    },

    pseudonym(label, value) {
      return createHmac('sha256', signingSecret)
        .update(`news-alerts/pseudonym/${label}\n${value}`)
        .digest('base64url')
        .slice(0, 32);
    },
  };
}
