import { describe, expect, it } from 'vitest';
import {
  checkPreferencesUpdate,
  checkSubscribeRequest,
  normaliseEmail,
  type TopicChoice,
} from '../../../lambdas/domain/subscribers/validation';

const TOPICS: TopicChoice[] = [
  { slug: 'peace-process', name: 'Peace process', description: 'Talks and treaties.' },
  { slug: 'border-security', name: 'Border security', description: 'Delimitation, incidents.' },
];

describe('normaliseEmail', () => {
  it('trims spaces and lower-cases the domain, keeping the local part as typed', () => {
    // Act
    const result = normaliseEmail('  Ani.Petrosyan@Mail.Example ');

    // Assess
    expect(result).toEqual({ ok: true, email: 'Ani.Petrosyan@mail.example' });
  });

  it('turns an internationalised domain into punycode', () => {
    // Act
    const result = normaliseEmail('reader@почта.рф');

    // Assess
    expect(result).toEqual({ ok: true, email: 'reader@xn--80a1acny.xn--p1ai' });
  });

  it.each([
    ['a line break (header injection)', 'ani@mail.example\r\nBcc: all@evil.test'],
    ['a bare LF', 'ani@mail.example\nCc: x@evil.test'],
    ['a NUL', 'ani@mail.example\u0000'],
    ['a display name', 'Ani <ani@mail.example>'],
    ['two addresses', 'ani@mail.example, bob@mail.example'],
    ['no domain', 'ani@'],
    ['no at sign', 'ani.mail.example'],
    ['an IP literal', 'ani@[127.0.0.1]'],
    ['a single-label domain', 'ani@localhost'],
    ['a quoted local part', '"ani bob"@mail.example'],
    ['a double dot', 'ani..bob@mail.example'],
    ['an over-long address', `${'a'.repeat(64)}@${'b'.repeat(200)}.example`],
  ])('refuses an address with %s', (_label, address) => {
    // Act
    const result = normaliseEmail(address);

    // Assess
    expect(result.ok).toBe(false);
  });
});

describe('checkSubscribeRequest', () => {
  it('accepts a form with repeated topic fields and fills the defaults', () => {
    // Prepare
    const form = { email: ['ani@mail.example'], topics: ['peace-process', 'border-security'] };

    // Act
    const result = checkSubscribeRequest(form, TOPICS);

    // Assess
    expect(result).toEqual({
      ok: true,
      value: {
        email: 'ani@mail.example',
        topics: ['peace-process', 'border-security'],
        languages: [],
        cadence: 'daily',
        digestHour: 8,
        digestWeekday: 1,
        timeZone: 'UTC',
      },
    });
  });

  it('accepts JSON numbers and orders languages as the list does', () => {
    // Prepare
    const json = {
      email: 'ani@mail.example',
      topics: 'peace-process',
      languages: ['az', 'hy'],
      cadence: 'weekly',
      digestHour: 19,
      digestWeekday: 5,
      timeZone: 'Asia/Baku',
      dailyCap: 10,
    };

    // Act
    const result = checkSubscribeRequest(json, TOPICS);

    // Assess
    expect(result.ok && result.value).toMatchObject({
      languages: ['hy', 'az'],
      digestHour: 19,
      digestWeekday: 5,
      timeZone: 'Asia/Baku',
      dailyCap: 10,
    });
  });

  it('names every wrong field with a message a person can act on', () => {
    // Prepare
    const form = {
      email: ['not an address'],
      topics: ['no-such-topic'],
      languages: ['fr'],
      cadence: ['hourly'],
      digestHour: ['25'],
      timeZone: ['Mars/Olympus_Mons'],
      dailyCap: ['0'],
    };

    // Act
    const result = checkSubscribeRequest(form, TOPICS);

    // Assess
    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.problems.map((problem) => problem.field);
    expect(fields.sort()).toEqual(
      ['cadence', 'dailyCap', 'digestHour', 'email', 'languages', 'timeZone', 'topics'].sort(),
    );
    const messages = result.ok ? '' : result.problems.map((problem) => problem.message).join(' ');
    expect(messages).toContain('Unknown topic: "no-such-topic"');
    expect(messages).toContain('time zone');
  });

  it('asks for at least one topic', () => {
    // Act
    const result = checkSubscribeRequest({ email: ['ani@mail.example'] }, TOPICS);

    // Assess
    expect(result).toEqual({
      ok: false,
      problems: [{ field: 'topics', message: 'Choose at least one topic.' }],
    });
  });
});

describe('checkPreferencesUpdate', () => {
  const current = {
    topics: ['peace-process'],
    languages: ['en'],
    cadence: 'daily' as const,
    digestHour: 8,
    digestWeekday: 1,
    timeZone: 'Asia/Yerevan',
    paused: false,
    dailyCap: 5,
  };

  it('treats a form as complete: unticked boxes mean none, an empty limit means no limit', () => {
    // Prepare
    const form = {
      topics: ['border-security'],
      cadence: ['weekly'],
      timeZone: ['Asia/Yerevan'],
      dailyCap: [''],
    };

    // Act
    const result = checkPreferencesUpdate(form, current, TOPICS, { partial: false });

    // Assess
    expect(result).toEqual({
      ok: true,
      value: {
        topics: ['border-security'],
        languages: [],
        cadence: 'weekly',
        digestHour: 8,
        digestWeekday: 1,
        timeZone: 'Asia/Yerevan',
        paused: false,
      },
    });
  });

  it('lets JSON change only what it names, pause included', () => {
    // Act
    const result = checkPreferencesUpdate({ paused: true, dailyCap: null }, current, TOPICS, {
      partial: true,
    });

    // Assess
    expect(result.ok && result.value).toEqual({
      topics: ['peace-process'],
      languages: ['en'],
      cadence: 'daily',
      digestHour: 8,
      digestWeekday: 1,
      timeZone: 'Asia/Yerevan',
      paused: true,
    });
  });
});
