import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTokenSigner,
  TokenConfigError,
  type TokenPurpose,
} from '../../../lambdas/domain/subscribers/tokens';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const OLD_SECRET = 'old-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const NOW = new Date('2026-11-26T10:00:00Z');
const ALICE = 'q3Vx0cJ2Z0mF8n4r9kLw1A';
const BOB = 'Zb7yQ1pL0xK9mN2vC4tR8w';
const PURPOSES: TokenPurpose[] = ['confirm', 'preferences', 'unsubscribe'];

const signer = createTokenSigner({ secrets: [SECRET] });

function tokenFor(purpose: TokenPurpose, subscriberId = ALICE, version = 1): string {
  return signer.sign({
    subscriberId,
    version,
    purpose,
    ...(purpose === 'confirm' ? { expiresAt: new Date(NOW.getTime() + 48 * 3600_000) } : {}),
  });
}

describe('link tokens', () => {
  it('accepts a token it signed, for its purpose, and says whose it is', () => {
    // Prepare
    const token = tokenFor('preferences', ALICE, 3);

    // Act
    const check = signer.verify(token, 'preferences', NOW);

    // Assess
    expect(check).toEqual({ ok: true, subscriberId: ALICE, version: 3, purpose: 'preferences' });
    expect(token).not.toContain('@');
  });

  it('refuses a token used for another purpose: a preferences link cannot confirm or unsubscribe', () => {
    // Prepare
    const preferences = tokenFor('preferences');

    // Act
    const asConfirm = signer.verify(preferences, 'confirm', NOW);
    const asUnsubscribe = signer.verify(preferences, 'unsubscribe', NOW);

    // Assess
    expect(asConfirm).toEqual({ ok: false, reason: 'wrong-purpose' });
    expect(asUnsubscribe).toEqual({ ok: false, reason: 'wrong-purpose' });
  });

  it('lets a confirmation link work for 48 hours and not a second longer', () => {
    // Prepare
    const token = tokenFor('confirm');
    const justBefore = new Date(NOW.getTime() + 48 * 3600_000 - 1000);
    const atExpiry = new Date(NOW.getTime() + 48 * 3600_000);

    // Act
    const before = signer.verify(token, 'confirm', justBefore);
    const after = signer.verify(token, 'confirm', atExpiry);

    // Assess
    expect(before.ok).toBe(true);
    expect(after).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses to sign a confirmation link that never expires', () => {
    // Act
    const sign = () => signer.sign({ subscriberId: ALICE, version: 1, purpose: 'confirm' });

    // Assess
    expect(sign).toThrow(TokenConfigError);
  });

  it('keeps old links working while a rotated-out secret is still listed, and not after', () => {
    // Prepare
    const before = createTokenSigner({ secrets: [OLD_SECRET] });
    const oldToken = before.sign({ subscriberId: ALICE, version: 1, purpose: 'unsubscribe' });
    const during = createTokenSigner({ secrets: [SECRET, OLD_SECRET] });
    const after = createTokenSigner({ secrets: [SECRET] });

    // Act
    const inGrace = during.verify(oldToken, 'unsubscribe', NOW);
    const afterGrace = after.verify(oldToken, 'unsubscribe', NOW);
    const newToken = during.sign({ subscriberId: ALICE, version: 1, purpose: 'unsubscribe' });

    // Assess
    expect(inGrace.ok).toBe(true);
    expect(afterGrace).toEqual({ ok: false, reason: 'bad-signature' });
    expect(after.verify(newToken, 'unsubscribe', NOW).ok).toBe(true);
  });

  it('refuses secrets too short to be safe', () => {
    // Act
    const build = () => createTokenSigner({ secrets: ['short'] });

    // Assess
    expect(build).toThrow(/at least 32/);
    expect(() => createTokenSigner({ secrets: [] })).toThrow(TokenConfigError);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['an email address', 'ani@mail.example'],
    ['a sequential id', '12345'],
    ['too long', `p.${'a'.repeat(300)}`],
  ])('calls a %s token malformed', (_label, token) => {
    // Act
    const check = signer.verify(token, 'preferences', NOW);

    // Assess
    expect(check).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts none of 10,000 random mutations of a real token', () => {
    // Prepare
    const originals = PURPOSES.map((purpose) => ({ purpose, token: tokenFor(purpose) }));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/%\u00e9 ';
    const char = fc.constantFrom(...alphabet.split(''));
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: char }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), with: char }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), with: char }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: char }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), with: char }),
      fc.record({ kind: fc.constant('flip-case' as const), at: fc.nat(), with: char }),
    );
    const apply = (token: string, steps: Array<{ kind: string; at: number; with: string }>) => {
      let value = token;
      for (const step of steps) {
        const at = value.length === 0 ? 0 : step.at % value.length;
        if (step.kind === 'replace') value = value.slice(0, at) + step.with + value.slice(at + 1);
        if (step.kind === 'insert') value = value.slice(0, at) + step.with + value.slice(at);
        if (step.kind === 'delete') value = value.slice(0, at) + value.slice(at + 1);
        if (step.kind === 'swap' && at + 1 < value.length) {
          value = value.slice(0, at) + value[at + 1] + value[at] + value.slice(at + 2);
        }
        if (step.kind === 'truncate') value = value.slice(0, at);
        if (step.kind === 'flip-case') {
          const letter = value[at] ?? '';
          const flipped =
            letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase();
          value = value.slice(0, at) + flipped + value.slice(at + 1);
        }
      }
      return value;
    };
    let accepted = 0;

    // Act
    fc.assert(
      fc.property(
        fc.constantFrom(...originals),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        ({ token }, steps) => {
          const mutated = apply(token, steps);
          fc.pre(mutated !== token);
          for (const asPurpose of PURPOSES) {
            if (signer.verify(mutated, asPurpose, NOW).ok) accepted += 1;
          }
        },
      ),
      { numRuns: 10_000, seed: 20261126 },
    );

    // Assess
    expect(accepted).toBe(0);
  });

  it('accepts none of 10,000 forgeries: well-shaped tokens, other secrets, other subscribers', () => {
    // Prepare
    const stranger = createTokenSigner({ secrets: ['attacker-secret-0123456789abcdefghijklmnop'] });
    const b64 = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
    );
    const id = fc.array(b64, { minLength: 16, maxLength: 40 }).map((chars) => chars.join(''));
    const forgery = fc.oneof(
      // A token of the right shape with a random MAC.
      fc
        .tuple(
          fc.constantFrom('c', 'p', 'u'),
          id,
          fc.integer({ min: 0, max: 99 }),
          fc.array(b64, { minLength: 43, maxLength: 43 }),
        )
        .map(
          ([code, subscriberId, version, mac]) =>
            `${code}.${subscriberId}.${version}.0.${mac.join('')}`,
        ),
      // A real token signed with someone else's secret.
      fc
        .tuple(id, fc.constantFrom(...PURPOSES), fc.integer({ min: 0, max: 99 }))
        .map(([subscriberId, purpose, version]) =>
          stranger.sign({
            subscriberId,
            version,
            purpose,
            ...(purpose === 'confirm' ? { expiresAt: new Date(NOW.getTime() + 3600_000) } : {}),
          }),
        ),
      // Alice's real MAC grafted onto Bob's id, another version or another purpose.
      fc
        .tuple(
          fc.constantFrom(...PURPOSES),
          id,
          fc.integer({ min: 0, max: 99 }),
          fc.constantFrom('c', 'p', 'u'),
        )
        .map(([purpose, otherId, version, code]) => {
          const parts = tokenFor(purpose).split('.');
          return `${code}.${otherId}.${version}.${parts[3]}.${parts[4]}`;
        })
        .filter((token) => !PURPOSES.some((purpose) => token === tokenFor(purpose))),
      fc.string({ maxLength: 120 }),
    );
    let accepted = 0;

    // Act
    fc.assert(
      fc.property(forgery, (token) => {
        for (const purpose of PURPOSES) {
          if (signer.verify(token, purpose, NOW).ok) accepted += 1;
        }
      }),
      { numRuns: 10_000, seed: 8058 },
    );

    // Assess
    expect(accepted).toBe(0);
  });

  it("never lets one subscriber's preferences token name another subscriber", () => {
    // Prepare
    const alices = tokenFor('preferences', ALICE);
    const bobs = tokenFor('preferences', BOB);
    const grafted = alices.replace(ALICE, BOB);

    // Act
    const aliceCheck = signer.verify(alices, 'preferences', NOW);
    const graftCheck = signer.verify(grafted, 'preferences', NOW);

    // Assess
    expect(aliceCheck.ok && aliceCheck.subscriberId).toBe(ALICE);
    expect(graftCheck).toEqual({ ok: false, reason: 'bad-signature' });
    expect(bobs).not.toBe(grafted);
  });

  it('gives the same pseudonym for the same value and reveals nothing of it', () => {
    // Act
    const first = signer.pseudonym('client', '203.0.113.9');
    const again = signer.pseudonym('client', '203.0.113.9');
    const other = signer.pseudonym('client', '203.0.113.10');

    // Assess
    expect(first).toBe(again);
    expect(first).not.toBe(other);
    expect(first).not.toContain('203');
  });
});
