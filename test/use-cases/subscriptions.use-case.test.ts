import { beforeEach, describe, expect, it } from 'vitest';
import {
  clientNetwork,
  confirmSubscription,
  readPreferences,
  subscribe,
  unsubscribe,
  updatePreferences,
} from '../../lambdas/use-cases/subscriptions.use-case';
import { buildSubscriber } from '../helpers/factories';
import { fanOutIds, linkIn, subscriptionTestDeps, tokenOf } from '../helpers/subscriptions';

type Setup = Awaited<ReturnType<typeof subscriptionTestDeps>>;

const CLIENT = { sourceIp: '203.0.113.9' };
const REQUEST = {
  email: ['ani@mail.example'],
  topics: ['peace-process', 'border-security'],
  cadence: ['daily'],
  digestHour: ['8'],
  timeZone: ['Asia/Yerevan'],
};

async function subscribeAndConfirm(setup: Setup, email = 'ani@mail.example') {
  await subscribe(setup.deps, { ...REQUEST, email: [email] }, CLIENT);
  const confirmation = setup.mailer.sent.at(-1);
  const outcome = await confirmSubscription(
    setup.deps,
    tokenOf(linkIn(confirmation?.text ?? '', 'confirm')),
  );
  if (outcome.kind !== 'confirmed') throw new Error(`not confirmed: ${JSON.stringify(outcome)}`);
  return outcome.subscriber;
}

describe('subscriptions', () => {
  let setup: Setup;
  beforeEach(async () => {
    setup = await subscriptionTestDeps();
  });

  it('stores a new address as pending and sends only a confirmation email', async () => {
    // Act
    const outcome = await subscribe(setup.deps, REQUEST, CLIENT);

    // Assess
    expect(outcome).toEqual({ kind: 'accepted' });
    const stored = await setup.subscribers.findByEmail('ani@mail.example');
    expect(stored).toMatchObject({
      status: 'pending',
      topics: ['peace-process', 'border-security'],
    });
    expect(stored?.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(setup.mailer.sent).toHaveLength(1);
    expect(setup.mailer.sent[0]?.to).toBe('ani@mail.example');
    expect(setup.mailer.sent[0]?.subject).toBe('Confirm your subscription to News Alerts');
    expect(await fanOutIds(setup.subscribers, 'peace-process')).not.toContain(stored?.id);
  });

  it('resends a confirmation to an unconfirmed address at most once per five minutes', async () => {
    // Prepare
    await subscribe(setup.deps, REQUEST, CLIENT);

    // Act
    setup.clock.now = new Date('2026-11-26T10:02:00Z');
    await subscribe(setup.deps, REQUEST, CLIENT);
    const afterTwoMinutes = setup.mailer.sent.length;
    setup.clock.now = new Date('2026-11-26T10:06:00Z');
    await subscribe(setup.deps, REQUEST, CLIENT);

    // Assess
    expect(afterTwoMinutes).toBe(1);
    expect(setup.mailer.sent).toHaveLength(2);
  });

  it('confirms: active, in the fan-out, with its first digest time set', async () => {
    // Prepare
    await subscribe(setup.deps, REQUEST, CLIENT);
    const token = tokenOf(linkIn(setup.mailer.sent[0]?.text ?? '', 'confirm'));
    setup.clock.now = new Date('2026-11-26T11:00:00Z');

    // Act
    const outcome = await confirmSubscription(setup.deps, token);

    // Assess
    expect(outcome.kind).toBe('confirmed');
    const stored = await setup.subscribers.findByEmail('ani@mail.example');
    expect(stored).toMatchObject({
      status: 'active',
      confirmedAt: '2026-11-26T11:00:00.000Z',
      // 08:00 in Yerevan (UTC+4) the next day.
      nextDigestAt: '2026-11-27T04:00:00.000Z',
    });
    expect(await fanOutIds(setup.subscribers, 'border-security')).toContain(stored?.id);
    expect(setup.mailer.sent).toHaveLength(1);
  });

  it('refuses an expired confirmation link and changes nothing', async () => {
    // Prepare
    await subscribe(setup.deps, REQUEST, CLIENT);
    const token = tokenOf(linkIn(setup.mailer.sent[0]?.text ?? '', 'confirm'));
    setup.clock.now = new Date('2026-11-28T10:00:01Z');

    // Act
    const outcome = await confirmSubscription(setup.deps, token);

    // Assess
    expect(outcome).toEqual({ kind: 'refused', problem: 'expired' });
    expect((await setup.subscribers.findByEmail('ani@mail.example'))?.status).toBe('pending');
  });

  it('answers an active address like a new one, changes nothing and mails it a note', async () => {
    // Prepare
    const active = await subscribeAndConfirm(setup);
    setup.clock.now = new Date('2026-11-26T12:00:00Z');

    // Act
    const outcome = await subscribe(
      setup.deps,
      { ...REQUEST, topics: ['detainees-pows'], cadence: ['instant'] },
      { sourceIp: '198.51.100.7' },
    );

    // Assess
    expect(outcome).toEqual({ kind: 'accepted' });
    const stored = await setup.subscribers.get(active.id);
    expect(stored?.topics).toEqual(['peace-process', 'border-security']);
    expect(stored?.cadence).toBe('daily');
    expect(setup.mailer.sent.at(-1)?.subject).toBe('You are already subscribed to News Alerts');
  });

  it('never re-activates or mails a suppressed address', async () => {
    // Prepare
    const suppressed = buildSubscriber({
      email: 'gone@mail.example',
      status: 'suppressed',
      suppressedReason: 'permanent bounce',
    });
    await setup.subscribers.create(suppressed);
    await setup.subscribers.save(suppressed);

    // Act
    const outcome = await subscribe(
      setup.deps,
      { ...REQUEST, email: ['gone@mail.example'] },
      CLIENT,
    );

    // Assess
    expect(outcome).toEqual({ kind: 'accepted' });
    expect((await setup.subscribers.get(suppressed.id))?.status).toBe('suppressed');
    expect(setup.mailer.sent).toHaveLength(0);
  });

  it('changes preferences through the preferences link, pause included', async () => {
    // Prepare
    const subscriber = await subscribeAndConfirm(setup);
    const token = tokenOf(setup.deps.links.forSubscriber(subscriber).preferencesUrl);

    // Act
    const outcome = await updatePreferences(
      setup.deps,
      token,
      { topics: ['detainees-pows'], cadence: 'weekly', digestWeekday: 5, paused: true },
      { partial: true },
    );

    // Assess
    expect(outcome.kind).toBe('saved');
    const stored = await setup.subscribers.get(subscriber.id);
    expect(stored).toMatchObject({ topics: ['detainees-pows'], cadence: 'weekly', paused: true });
    expect(await fanOutIds(setup.subscribers, 'detainees-pows')).not.toContain(subscriber.id);
    expect(await fanOutIds(setup.subscribers, 'peace-process')).not.toContain(subscriber.id);
  });

  it("cannot change one subscriber's preferences with another's link", async () => {
    // Prepare
    const ani = await subscribeAndConfirm(setup, 'ani@mail.example');
    const aygun = await subscribeAndConfirm(setup, 'aygun@mail.example');
    const aniToken = tokenOf(setup.deps.links.forSubscriber(ani).preferencesUrl);
    const grafted = aniToken.replace(ani.id, aygun.id);

    // Act
    const outcome = await updatePreferences(
      setup.deps,
      grafted,
      { topics: ['detainees-pows'] },
      { partial: true },
    );

    // Assess
    expect(outcome).toEqual({ kind: 'refused', problem: 'bad-signature' });
    expect((await setup.subscribers.get(aygun.id))?.topics).toEqual([
      'peace-process',
      'border-security',
    ]);
  });

  it('unsubscribes at once, out of every fan-out, without sending anything', async () => {
    // Prepare
    const subscriber = await subscribeAndConfirm(setup);
    const sentBefore = setup.mailer.sent.length;
    const token = tokenOf(setup.deps.links.forSubscriber(subscriber).unsubscribeUrl);

    // Act
    const outcome = await unsubscribe(setup.deps, token);
    const again = await unsubscribe(setup.deps, token);

    // Assess
    expect(outcome).toEqual({ kind: 'unsubscribed' });
    expect(again).toEqual({ kind: 'unsubscribed' });
    expect((await setup.subscribers.get(subscriber.id))?.status).toBe('unsubscribed');
    expect(await fanOutIds(setup.subscribers, 'peace-process')).not.toContain(subscriber.id);
    expect(await fanOutIds(setup.subscribers, 'border-security')).not.toContain(subscriber.id);
    expect(setup.mailer.sent).toHaveLength(sentBefore);
  });

  it('makes a returning subscriber confirm again and retires their old preferences links', async () => {
    // Prepare
    const subscriber = await subscribeAndConfirm(setup);
    const oldPreferences = tokenOf(setup.deps.links.forSubscriber(subscriber).preferencesUrl);
    await unsubscribe(
      setup.deps,
      tokenOf(setup.deps.links.forSubscriber(subscriber).unsubscribeUrl),
    );

    // Act
    await subscribe(setup.deps, REQUEST, CLIENT);
    const stored = await setup.subscribers.get(subscriber.id);
    const oldLink = await readPreferences(setup.deps, oldPreferences);

    // Assess
    expect(stored).toMatchObject({ status: 'pending', tokenVersion: 2 });
    expect(setup.mailer.sent.at(-1)?.subject).toBe('Confirm your subscription to News Alerts');
    expect(oldLink).toEqual({ kind: 'refused', problem: 'revoked' });
  });

  it('limits subscribe requests per client and per address', async () => {
    // Prepare
    const limited = await subscriptionTestDeps({
      limits: {
        perClient: { max: 3, windowSeconds: 3600 },
        perAddress: { max: 2, windowSeconds: 3600 },
      },
    });

    // Act
    const byAddress = [];
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      byAddress.push((await subscribe(limited.deps, REQUEST, { sourceIp: ip })).kind);
    }
    const byClient = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      byClient.push(
        (await subscribe(limited.deps, { ...REQUEST, email: [`${name}@mail.example`] }, CLIENT))
          .kind,
      );
    }

    // Assess
    expect(byAddress).toEqual(['accepted', 'accepted', 'rate-limited']);
    expect(byClient).toEqual(['accepted', 'accepted', 'accepted', 'rate-limited']);
  });

  it('stores nothing and sends nothing for an invalid request', async () => {
    // Act
    const outcome = await subscribe(
      setup.deps,
      { ...REQUEST, timeZone: ['Nowhere/Atlantis'] },
      CLIENT,
    );

    // Assess
    expect(outcome.kind).toBe('invalid');
    expect(await setup.subscribers.findByEmail('ani@mail.example')).toBeUndefined();
    expect(setup.mailer.sent).toHaveLength(0);
  });
});

describe('clientNetwork', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    [undefined, 'unknown'],
  ])('counts %s as %s', (ip, network) => {
    // Assess
    expect(clientNetwork(ip)).toBe(network);
  });
});
