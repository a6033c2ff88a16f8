import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../lambdas/adapters/ses/ses-mailer';
import { renderAlertEmail } from '../../lambdas/domain/alerts/render-email';
import { type LocalSes, localSesClient, readLocalInbox, startLocalSes } from '../helpers/local-ses';
import { fanOutIds, linkIn, startSubscriptionApp } from '../helpers/subscriptions';

type App = Awaited<ReturnType<typeof startSubscriptionApp>>;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('subscription flow over HTTP', () => {
  let ses: LocalSes;
  let app: App;
  beforeAll(async () => {
    ses = await startLocalSes();
    const mailer = createSesMailer({ client: localSesClient(ses.endpoint), sendRatePerSecond: 50 });
    app = await startSubscriptionApp({ mailer });
  });
  afterAll(async () => {
    await app?.server.close();
    await ses?.stop();
  });

  it('subscribes, confirms, changes preferences and unsubscribes in one click with plain requests', async () => {
    // Prepare
    const email = `flow-${Date.now()}@reader.example`;
    const body = new URLSearchParams([
      ['email', email],
      ['topics', 'peace-process'],
      ['topics', 'border-security'],
      ['languages', 'hy'],
      ['cadence', 'daily'],
      ['digestHour', '8'],
      ['digestWeekday', '1'],
      ['timeZone', 'Asia/Yerevan'],
    ]).toString();

    // Act: subscribe, then read the confirmation email from the local SES inbox.
    const subscribed = await fetch(`${app.baseUrl}/subscribe`, {
      method: 'POST',
      headers: FORM,
      body,
    });
    const inbox = (await readLocalInbox(ses.endpoint)).filter((message) =>
      message.to.includes(email),
    );
    const confirmUrl = linkIn(inbox[0]?.text ?? '', 'confirm');
    const confirmPage = await fetch(confirmUrl);
    const pendingAfterGet = await app.subscribers.findByEmail(email);
    const confirmed = await fetch(confirmUrl, { method: 'POST', headers: FORM, body: '' });
    const subscriber = await app.subscribers.findByEmail(email);
    if (!subscriber) throw new Error('subscriber not stored');
    const fanOutAfterConfirm = await fanOutIds(app.subscribers, 'peace-process');

    // Act: the links every alert carries.
    const alert = renderAlertEmail({
      from: 'News Alerts <alerts@news-alerts.example>',
      to: email,
      article: {
        key: 'k1',
        title: 'Border commissions meet',
        url: 'https://news.example/1',
        outlet: 'Caucasus Ledger',
        summary: 'The delimitation commissions met.',
        publishedAt: '2026-11-26T09:00:00Z',
      },
      alsoReportedBy: [],
      reason: {
        topics: [{ slug: 'peace-process', name: 'Peace process' }],
        matched: ['delimitation'],
      },
      links: app.links.forSubscriber(subscriber),
    });
    const preferencesUrl = linkIn(alert.text, 'preferences');
    const preferencesPage = await fetch(preferencesUrl);
    const saved = await fetch(preferencesUrl, {
      method: 'POST',
      headers: FORM,
      body: 'topics=peace-process&topics=detainees-pows&cadence=weekly&digestHour=19&digestWeekday=5&timeZone=Asia%2FBaku',
    });
    const listUnsubscribe = /^<(.+)>$/.exec(alert.headers['List-Unsubscribe'] ?? '')?.[1] ?? '';
    const oneClick = await fetch(listUnsubscribe, {
      method: 'POST',
      headers: FORM,
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });

    // Assess
    expect(subscribed.status).toBe(202);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.subject).toBe('Confirm your subscription to News Alerts');
    expect(confirmPage.status).toBe(200);
    expect(pendingAfterGet?.status).toBe('pending');
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are subscribed');
    expect(fanOutAfterConfirm).toContain(subscriber.id);
    expect(preferencesPage.status).toBe(200);
    expect(await preferencesPage.text()).toContain('value="peace-process" checked');
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Your preferences are saved.');
    expect(alert.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('location')).toBeNull();
    expect(oneClick.headers.get('set-cookie')).toBeNull();
    const after = await app.subscribers.get(subscriber.id);
    expect(after).toMatchObject({
      status: 'unsubscribed',
      cadence: 'weekly',
      timeZone: 'Asia/Baku',
    });
    for (const topic of ['peace-process', 'border-security', 'detainees-pows']) {
      expect(await fanOutIds(app.subscribers, topic)).not.toContain(subscriber.id);
    }
    // Nothing after the confirmation: not even a goodbye.
    expect(
      (await readLocalInbox(ses.endpoint)).filter((message) => message.to.includes(email)),
    ).toHaveLength(1);
  });

  it('carries the security headers on every page and sets no cookie', async () => {
    // Act
    const response = await fetch(`${app.baseUrl}/subscribe`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'/,
    );
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
