import { describe, expect, it } from 'vitest';
import { parseBody } from '../../lambdas/http/body';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

describe('parseBody', () => {
  it('reads a form with repeated fields as lists of values', () => {
    // Act
    const parsed = parseBody({ headers: FORM, body: 'email=ani%40mail.example&topics=a&topics=b' });

    // Assess
    expect(parsed).toEqual({
      ok: true,
      kind: 'form',
      fields: { email: ['ani@mail.example'], topics: ['a', 'b'] },
    });
  });

  it('reads a JSON object and keeps a __proto__ key as a plain field', () => {
    // Act
    const parsed = parseBody({
      headers: JSON_TYPE,
      body: '{"email":"a@b.example","__proto__":{"x":1}}',
    });

    // Assess
    expect(parsed.ok && parsed.fields.email).toBe('a@b.example');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses a body over the cap with 400 and says how large it may be', () => {
    // Act
    const parsed = parseBody({ headers: FORM, body: `email=${'a'.repeat(17 * 1024)}` });

    // Assess
    expect(parsed).toEqual({
      ok: false,
      status: 400,
      code: 'BODY_TOO_LARGE',
      message: 'The request body is larger than 16 KB.',
    });
  });

  it.each([
    ['invalid JSON', JSON_TYPE, '{"email":', 400],
    ['a JSON array', JSON_TYPE, '["a"]', 400],
    ['an unsupported type', { 'content-type': 'text/plain' }, 'email=a', 415],
  ])('refuses %s with a message', (_label, headers, body, status) => {
    // Act
    const parsed = parseBody({ headers, body });

    // Assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.status).toBe(status);
    expect(!parsed.ok && parsed.message.length).toBeGreaterThan(10);
  });
});
