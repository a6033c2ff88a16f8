/**
 * The two emails the subscribe flow sends: the double opt-in confirmation, and the note an
 * already-subscribed address gets when someone asks to subscribe it again (so the subscribe page
 * can answer the same way for every address). Both are plain and short: no images, no tracking,
 * one link. Pure: same input, same email.
 */
import type { EmailMessage } from '../alerts/mime';
import { cleanText, escapeHtml, headerText } from '../alerts/sanitise';

const PRODUCT = 'News Alerts';

export interface ConfirmationEmailInput {
  from: string;
  to: string;
  confirmUrl: string;
  /** When the link stops working. */
  expiresAt: Date;
  productName?: string;
}

/**
 * Renders the confirmation email.
 *
 * @example
 * renderConfirmationEmail({ from: 'News Alerts <alerts@example.org>', to: 'ani@mail.example',
 *   confirmUrl: 'https://alerts.example.org/confirm?token=c.…', expiresAt: new Date('2026-11-28T10:00:00Z') }).subject
 * // 'Confirm your subscription to News Alerts'
 */
export function renderConfirmationEmail(input: ConfirmationEmailInput): EmailMessage {
  const product = cleanText(input.productName ?? PRODUCT) || PRODUCT;
  const expires = formatUtc(input.expiresAt);
  const lines = [
    `Someone, hopefully you, asked to receive ${product} email at this address.`,
    'To confirm, open the link below and press the button on the page.',
  ];
  const after = [
    `The link works until ${expires}.`,
    'If you did not ask for this, ignore this email: nothing more will be sent to you.',
  ];
  return {
    from: input.from,
    to: input.to,
    subject: headerText(`Confirm your subscription to ${product}`),
    html: htmlMessage(
      product,
      lines,
      { url: input.confirmUrl, label: 'Confirm subscription' },
      after,
    ),
    text: [...lines, '', input.confirmUrl, '', ...after, ''].join('\n'),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

export interface AlreadySubscribedEmailInput {
  from: string;
  to: string;
  preferencesUrl: string;
  productName?: string;
}

/**
 * Renders the note sent when an active subscriber's address is entered on the subscribe page.
 *
 * @example renderAlreadySubscribedEmail({ from, to, preferencesUrl }).subject // 'You are already subscribed to News Alerts'
 */
export function renderAlreadySubscribedEmail(input: AlreadySubscribedEmailInput): EmailMessage {
  const product = cleanText(input.productName ?? PRODUCT) || PRODUCT;
  const lines = [
    `Someone asked to subscribe this address to ${product}. It is already subscribed, so nothing has changed.`,
    'To change your topics, languages or how often we write, use your preferences page.',
  ];
  const after = ['If you did not ask for this, ignore this email.'];
  return {
    from: input.from,
    to: input.to,
    subject: headerText(`You are already subscribed to ${product}`),
    html: htmlMessage(
      product,
      lines,
      { url: input.preferencesUrl, label: 'Open my preferences' },
      after,
    ),
    text: [...lines, '', input.preferencesUrl, '', ...after, ''].join('\n'),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

function htmlMessage(
  product: string,
  before: string[],
  link: { url: string; label: string },
  after: string[],
): string {
  const paragraph = (text: string) =>
    `<p style="margin:0 0 16px 0;font:16px/24px Arial,Helvetica,sans-serif;color:#1b1b1f;">${escapeHtml(text)}</p>`;
  const url = escapeHtml(link.url);
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(product)}</title></head>` +
    `<body style="margin:0;padding:24px;background:#ffffff;"><div style="max-width:560px;margin:0 auto;">` +
    before.map(paragraph).join('') +
    `<p style="margin:24px 0;"><a href="${url}" style="display:inline-block;padding:12px 20px;background:#0b57d0;color:#ffffff;border-radius:6px;font:bold 16px/24px Arial,Helvetica,sans-serif;text-decoration:none;">${escapeHtml(link.label)}</a></p>` +
    `<p style="margin:0 0 16px 0;font:14px/20px Arial,Helvetica,sans-serif;color:#4a4a52;word-break:break-all;">${url}</p>` +
    after.map(paragraph).join('') +
    `</div></body></html>`
  );
}

function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
