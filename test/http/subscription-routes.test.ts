import { beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../lambdas/domain/subscribers/subscriber';
import type { HttpRequest, HttpResponse } from '../../lambdas/http/http-types';
import { createRouter, type Router } from '../../lambdas/http/router';
import { registerSubscriptionRoutes } from '../../lambdas/http/subscription-routes';
import { buildSubscriber } from '../helpers/factories';
import { fanOutIds, linkIn, subscriptionTestDeps, tokenOf } from '../helpers/subscriptions';

type Setup = Awaited<ReturnType<typeof subscriptionTestDeps>>;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const GOOD = {
  email: 'ani@mail.example',
  topics: ['peace-process'],
  cadence: 'daily',
  digestHour: '8',
  digestWeekday: '1',
  timeZone: 'Asia/Yerevan',
};

function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const entry of Array.isArray(value) ? value : [value]) params.append(name, entry);
  }
  return params.toString();
}

function request(overrides: Partial<HttpRequest>): HttpRequest {
  return {
    method: 'GET',
    path: '/',
    query: {},
    headers: {},
    body: '',
    sourceIp: '203.0.113.9',
    ...overrides,
  };
}

async function allSubscribers(setup: Setup): Promise<Subscriber[]> {
  const all: Subscriber[] = [];
  for await (const page of setup.subscribers.list()) all.push(...page);
  return all;
}

describe('subscription routes', () => {
  let setup: Setup;
  let router: Router;
  const handle = (overrides: Partial<HttpRequest>): Promise<HttpResponse> =>
    router.handle(request(overrides));

  beforeEach(async () => {
    setup = await subscriptionTestDeps({
      limits: {
        perClient: { max: 1000, windowSeconds: 3600 },
        perAddress: { max: 1000, windowSeconds: 3600 },
      },
    });
    router = registerSubscriptionRoutes(createRouter(), setup.deps);
  });

  it('refuses 24 kinds of bad subscribe input, each with a message, storing and sending nothing', async () => {
    // Prepare
    const formCases: Array<[string, Record<string, string | string[]>]> = [
      ['malformed address', { ...GOOD, email: 'not-an-address' }],
      ['missing address', { ...GOOD, email: '' }],
      ['CRLF header injection', { ...GOOD, email: 'ani@mail.example\r\nBcc: all@evil.test' }],
      ['LF header injection', { ...GOOD, email: 'ani@mail.example\nCc: x@evil.test' }],
      ['CR alone', { ...GOOD, email: 'ani@mail.example\rX-Evil: 1' }],
      ['NUL byte', { ...GOOD, email: 'ani@mail.example\u0000' }],
      ['display name', { ...GOOD, email: 'Ani <ani@mail.example>' }],
      ['two addresses', { ...GOOD, email: 'ani@mail.example, bob@mail.example' }],
      ['IP literal', { ...GOOD, email: 'ani@[127.0.0.1]' }],
      [
        'over-long address',
        {
          ...GOOD,
          email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`,
        },
      ],
      ['unknown topic', { ...GOOD, topics: ['peace-process', 'secret-topic'] }],
      ['no topic', { ...GOOD, topics: [] }],
      ['bad time zone', { ...GOOD, timeZone: 'Europe/Atlantis' }],
      ['hour 24', { ...GOOD, digestHour: '24' }],
      ['hour in words', { ...GOOD, digestHour: 'eight' }],
      ['weekday 0', { ...GOOD, digestWeekday: '0' }],
      ['unknown cadence', { ...GOOD, cadence: 'hourly' }],
      ['unknown language', { ...GOOD, languages: ['fr'] }],
      ['negative daily cap', { ...GOOD, dailyCap: '-1' }],
      ['huge daily cap', { ...GOOD, dailyCap: '100000' }],
    ];
    const rawCases: Array<[string, Record<string, string>, string, number]> = [
      ['oversized body', FORM, form({ ...GOOD, email: `${'a'.repeat(20_000)}@mail.example` }), 400],
      ['invalid JSON', JSON_HEADERS, '{"email": "ani@mail.example",', 400],
      ['JSON array', JSON_HEADERS, '["ani@mail.example"]', 400],
      [
        'JSON with two addresses',
        JSON_HEADERS,
        JSON.stringify({ ...GOOD, email: ['a@mail.example', 'b@mail.example'] }),
        400,
      ],
    ];

    // Act
    const answers: Array<{ label: string; status: number; expected: number; body: string }> = [];
    for (const [label, fields] of formCases) {
      const response = await handle({
        method: 'POST',
        path: '/subscribe',
        headers: FORM,
        body: form(fields),
      });
      answers.push({ label, status: response.status, expected: 400, body: response.body });
    }
    for (const [label, headers, body, expected] of rawCases) {
      const response = await handle({ method: 'POST', path: '/subscribe', headers, body });
      answers.push({ label, status: response.status, expected, body: response.body });
    }

    // Assess
    expect(answers).toHaveLength(24);
    for (const answer of answers) {
      // The label rides along so a failure names the case.
      expect({ label: answer.label, status: answer.status }).toEqual({
        label: answer.label,
        status: answer.expected,
      });
      expect(answer.body).toMatch(/class="error-summary"|"message":"[^"]{10,}/);
    }
    expect(answers.find((answer) => answer.label === 'unknown topic')?.body).toContain(
      'Unknown topic: &quot;secret-topic&quot;',
    );
    expect(answers.find((answer) => answer.label === 'oversized body')?.body).toContain(
      'larger than 16 KB',
    );
    expect(answers.find((answer) => answer.label === 'CRLF header injection')?.body).toContain(
      'line break',
    );
    expect(await allSubscribers(setup)).toEqual([]);
    expect(setup.mailer.sent).toEqual([]);
  });

  it('answers a new and an already subscribed address with the same status and page', async () => {
    // Prepare
    const known = buildSubscriber({ email: 'known@mail.example' });
    await setup.subscribers.create(known);

    // Act
    const forNew = await handle({
      method: 'POST',
      path: '/subscribe',
      headers: FORM,
      body: form({ ...GOOD, email: 'new@mail.example' }),
    });
    const forKnown = await handle({
      method: 'POST',
      path: '/subscribe',
      headers: FORM,
      body: form({ ...GOOD, email: 'known@mail.example' }),
    });
    const asJsonNew = await handle({
      method: 'POST',
      path: '/subscribe',
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...GOOD, email: 'new2@mail.example' }),
    });
    const asJsonKnown = await handle({
      method: 'POST',
      path: '/subscribe',
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...GOOD, email: 'known@mail.example' }),
    });

    // Assess
    expect(forNew.status).toBe(202);
    expect(forKnown.status).toBe(forNew.status);
    expect(forKnown.body).toBe(forNew.body);
    expect(asJsonNew.status).toBe(202);
    expect(asJsonKnown.body).toBe(asJsonNew.body);
  });

  it('shows the confirm page on GET without confirming, and confirms on POST', async () => {
    // Prepare
    await handle({ method: 'POST', path: '/subscribe', headers: FORM, body: form(GOOD) });
    const token = tokenOf(linkIn(setup.mailer.sent[0]?.text ?? '', 'confirm'));

    // Act
    const page = await handle({ path: '/confirm', query: { token } });
    const afterGet = await setup.subscribers.findByEmail(GOOD.email);
    const confirmed = await handle({
      method: 'POST',
      path: '/confirm',
      query: { token },
      headers: FORM,
    });

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<button type="submit">Confirm subscription</button>');
    expect(page.body).toContain('Daily digest at 08:00 (Asia/Yerevan)');
    expect(afterGet?.status).toBe('pending');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    expect((await setup.subscribers.findByEmail(GOOD.email))?.status).toBe('active');
  });

  it.each([
    ['forged', (token: string) => `${token.slice(0, -4)}AAAA`, 403, 'This link is not valid'],
    ['cut short', (token: string) => token.slice(0, 20), 400, 'This link is incomplete'],
    ['missing', () => '', 400, 'This link is incomplete'],
  ])(
    'refuses a %s preferences token with a clear page and changes nothing',
    async (_label, mutate, status, title) => {
      // Prepare
      const subscriber = buildSubscriber({ email: 'ani@mail.example' });
      await setup.subscribers.create(subscriber);
      const token = mutate(tokenOf(setup.links.forSubscriber(subscriber).preferencesUrl));

      // Act
      const response = await handle({
        method: 'POST',
        path: '/preferences',
        query: { token },
        headers: FORM,
        body: form({ topics: 'detainees-pows' }),
      });

      // Assess
      expect(response.status).toBe(status);
      expect(response.body).toContain(title);
      expect((await setup.subscribers.get(subscriber.id))?.topics).toEqual(subscriber.topics);
    },
  );

  it('refuses an unsubscribe token as a preferences token, and an expired confirmation', async () => {
    // Prepare
    const subscriber = buildSubscriber({ email: 'ani@mail.example' });
    await setup.subscribers.create(subscriber);
    const unsubscribeToken = tokenOf(setup.links.forSubscriber(subscriber).unsubscribeUrl);
    const expired = tokenOf(
      setup.links.confirmUrl(subscriber, new Date('2026-11-01T00:00:00Z')).url,
    );

    // Act
    const wrongPurpose = await handle({ path: '/preferences', query: { token: unsubscribeToken } });
    const tooLate = await handle({
      method: 'POST',
      path: '/confirm',
      query: { token: expired },
      headers: JSON_HEADERS,
    });

    // Assess
    expect(wrongPurpose.status).toBe(403);
    expect(wrongPurpose.body).toContain('This link is for another page');
    expect(tooLate.status).toBe(400);
    expect(JSON.parse(tooLate.body)).toEqual({
      error: { code: 'LINK_EXPIRED', message: expect.stringContaining('48 hours') },
    });
  });

  it('saves preferences from the form and shows them back', async () => {
    // Prepare
    const subscriber = buildSubscriber({ email: 'ani@mail.example', topics: ['peace-process'] });
    await setup.subscribers.create(subscriber);
    const token = tokenOf(setup.links.forSubscriber(subscriber).preferencesUrl);

    // Act
    const response = await handle({
      method: 'POST',
      path: '/preferences',
      query: { token },
      headers: FORM,
      body: form({
        topics: ['detainees-pows', 'border-security'],
        languages: ['hy', 'az'],
        cadence: 'weekly',
        digestHour: '18',
        digestWeekday: '5',
        timeZone: 'Asia/Baku',
        paused: 'on',
      }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toContain(
      'Your preferences are saved. Email is paused until you resume it.',
    );
    expect(response.body).toContain('value="detainees-pows" checked');
    expect(await setup.subscribers.get(subscriber.id)).toMatchObject({
      topics: ['detainees-pows', 'border-security'],
      languages: ['hy', 'az'],
      cadence: 'weekly',
      digestHour: 18,
      digestWeekday: 5,
      timeZone: 'Asia/Baku',
      paused: true,
    });
  });

  it('honours an RFC 8058 one-click POST in that one request: 200, no redirect, no cookie', async () => {
    // Prepare
    const subscriber = buildSubscriber({ email: 'ani@mail.example', topics: ['peace-process'] });
    await setup.subscribers.create(subscriber);
    const token = tokenOf(setup.links.forSubscriber(subscriber).unsubscribeUrl);

    // Act
    const response = await handle({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      headers: FORM,
      body: 'List-Unsubscribe=One-Click',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['set-cookie']).toBeUndefined();
    expect((await setup.subscribers.get(subscriber.id))?.status).toBe('unsubscribed');
    expect(await fanOutIds(setup.subscribers, 'peace-process')).not.toContain(subscriber.id);
  });

  it('offers the choices as JSON to API clients', async () => {
    // Act
    const response = await handle({ path: '/subscribe', headers: { accept: 'application/json' } });

    // Assess
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(response.body);
    expect(body.topics.map((topic: { slug: string }) => topic.slug)).toContain('peace-process');
    expect(body.languages).toContainEqual({ code: 'hy', label: 'Հայերեն' });
  });

  it('answers 429 with Retry-After once a client asks too often', async () => {
    // Prepare
    const limited = await subscriptionTestDeps({
      limits: { perClient: { max: 1, windowSeconds: 3600 } },
    });
    const limitedRouter = registerSubscriptionRoutes(createRouter(), limited.deps);
    const post = () =>
      limitedRouter.handle(
        request({ method: 'POST', path: '/subscribe', headers: FORM, body: form(GOOD) }),
      );

    // Act
    const first = await post();
    const second = await post();

    // Assess
    expect(first.status).toBe(202);
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
  });
});
