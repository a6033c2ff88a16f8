import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../lambdas/adapters/ses/ses-mailer';
import { type LocalSes, localSesClient, readLocalInbox, startLocalSes } from '../helpers/local-ses';
import { fanOutIds, linkIn, startSubscriptionApp } from '../helpers/subscriptions';

type App = Awaited<ReturnType<typeof startSubscriptionApp>>;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-artifacts/screenshots';
const WIDTHS = { phone: 390, desktop: 1280 } as const;

// Browser-side code is passed as strings: the project compiles without the DOM library.

/** Screenshots of the page at phone and desktop widths; checks nothing overflows on a phone. */
async function capture(page: Page, name: string): Promise<void> {
  for (const [device, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: device === 'phone' ? 844 : 900 });
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${device}.png`, fullPage: true });
    if (device === 'phone') {
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect({ page: name, overflow }).toEqual({ page: name, overflow: 0 });
    }
  }
}

describe.skipIf(!existsSync(CHROMIUM))('subscription pages in Chromium', () => {
  let ses: LocalSes;
  let app: App;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    ses = await startLocalSes();
    const mailer = createSesMailer({ client: localSesClient(ses.endpoint), sendRatePerSecond: 50 });
    app = await startSubscriptionApp({ mailer });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.server.close();
    await ses?.stop();
  });

  it('subscribes, confirms, changes preferences and unsubscribes without JavaScript', async () => {
    // Prepare
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const email = `browser-${Date.now()}@reader.example`;

    // Act: the subscribe page, first with a mistake.
    await page.goto(`${app.baseUrl}/subscribe`);
    await capture(page, '01-subscribe');
    await page.getByLabel('Email address').fill('not an address');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const errorSummary = await page.getByRole('alert').textContent();
    await capture(page, '02-subscribe-errors');

    // Act: a correct submission, sent with the keyboard.
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Peace process').check();
    await page.getByLabel('Border security').check();
    await page.getByLabel('Հայերեն').check();
    await page.getByLabel('Azərbaycanca').check();
    await page.getByLabel('Daily digest', { exact: true }).check();
    await page.getByLabel('Hour').selectOption('7');
    await page.getByLabel('Time zone').selectOption('Asia/Yerevan');
    await page.getByLabel('Email address').press('Enter');
    await page.waitForURL('**/subscribe');
    const checkInbox = await page.getByRole('heading', { level: 1 }).textContent();
    await capture(page, '03-check-inbox');

    // Act: confirm from the email.
    const inbox = (await readLocalInbox(ses.endpoint)).filter((message) =>
      message.to.includes(email),
    );
    await page.goto(linkIn(inbox[0]?.text ?? '', 'confirm'));
    await capture(page, '04-confirm');
    const summary = await page.locator('dl.summary').textContent();
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    const confirmedHeading = await page.getByRole('heading', { level: 1 }).textContent();
    await capture(page, '05-confirmed');
    const subscriber = await app.subscribers.findByEmail(email);

    // Act: preferences.
    await page.getByRole('link', { name: 'Change your preferences' }).click();
    await capture(page, '06-preferences');
    await page.getByLabel('Detainees and prisoners of war').check();
    await page.getByLabel('Border security').uncheck();
    await page.getByLabel('Weekly digest', { exact: true }).check();
    await page.getByLabel('Day (weekly digest)').selectOption({ label: 'Friday' });
    await page.getByLabel('Pause all email for now').check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    const savedNotice = await page.getByRole('status').textContent();
    await capture(page, '07-preferences-saved');
    const afterPreferences = await app.subscribers.get(subscriber?.id ?? '');

    // Act: unsubscribe.
    await page.getByRole('link', { name: 'Unsubscribe' }).click();
    await capture(page, '08-unsubscribe');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    const unsubscribedHeading = await page.getByRole('heading', { level: 1 }).textContent();
    await capture(page, '09-unsubscribed');
    await context.close();

    // Assess
    expect(errorSummary).toContain('Enter one email address, like name@example.org.');
    expect(checkInbox).toBe('Check your email');
    expect(inbox).toHaveLength(1);
    expect(summary).toContain('Daily digest at 07:00 (Asia/Yerevan)');
    expect(summary).toContain('Հայերեն, Azərbaycanca');
    expect(confirmedHeading).toBe('You are subscribed');
    expect(subscriber?.status).toBe('active');
    expect(savedNotice).toContain('Email is paused until you resume it.');
    expect(afterPreferences).toMatchObject({
      topics: ['peace-process', 'detainees-pows'],
      cadence: 'weekly',
      digestWeekday: 5,
      paused: true,
    });
    expect(unsubscribedHeading).toBe('You are unsubscribed');
    expect((await app.subscribers.get(subscriber?.id ?? ''))?.status).toBe('unsubscribed');
    expect(await fanOutIds(app.subscribers, 'peace-process')).not.toContain(subscriber?.id);
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('shows a clear page for a tampered link, and applies its styles under the CSP', async () => {
    // Prepare
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const page = await context.newPage();

    // Act
    const response = await page.goto(
      `${app.baseUrl}/preferences?token=p.AAAAAAAAAAAAAAAAAAAAAA.1.0.${'A'.repeat(43)}`,
    );
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    const font = await page.evaluate<string>('getComputedStyle(document.body).fontFamily');
    await capture(page, '10-invalid-link');
    await context.close();

    // Assess
    expect(response?.status()).toBe(403);
    expect(heading).toBe('This link is not valid');
    expect(font).toContain('system-ui');
  }, 60_000);

  it('lets a keyboard user reach the form first through the skip link', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/subscribe`);

    // Act
    await page.keyboard.press('Tab');
    const first = await page.evaluate<string>("document.activeElement?.textContent ?? ''");
    await page.keyboard.press('Tab');
    const second = await page.evaluate<string | null>(
      "document.activeElement?.getAttribute('id') ?? null",
    );
    await context.close();

    // Assess
    expect(first).toBe('Skip to content');
    expect(second).toBe('email');
  }, 60_000);
});
