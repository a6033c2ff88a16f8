import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MessageRejected,
  SESClient,
  SESServiceException,
  type SendRawEmailCommand,
  type SendRawEmailCommandOutput,
} from '@aws-sdk/client-ses';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import { PermanentSendError, RetryableSendError } from '../../../lambdas/adapters/ses/send-errors';
import {
  backoffDelay,
  classifySendError,
  createSesMailer,
  type SesMailerOptions,
} from '../../../lambdas/adapters/ses/ses-mailer';
import { renderAlertEmail } from '../../../lambdas/domain/alerts/render-email';
import type { OutgoingEmail } from '../../../lambdas/use-cases/ports';
import {
  clearLocalInbox,
  type LocalSes,
  localSesClient,
  readLocalInbox,
  startLocalSes,
} from '../../helpers/local-ses';
import { parseRawMessage } from '../../helpers/mime-decoder';

const UNSUBSCRIBE = 'https://alerts.example.org/unsubscribe?token=opaque-1';

function outgoing(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: 'News Alerts <alerts@example.org>',
    to: 'reader@example.net',
    subject: 'Subject',
    text: 'text',
    html: '<p>html</p>',
    headers: {
      'List-Unsubscribe': `<${UNSUBSCRIBE}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  };
}

/** A clock that only moves when the mailer sleeps (or the test says so). */
function fakeTime(options: { sleepAdvancesClock?: boolean } = {}) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      if (options.sleepAdvancesClock ?? true) now += ms;
    },
  };
}

type SendMock = MockInstance<(command: SendRawEmailCommand) => Promise<SendRawEmailCommandOutput>>;

function stubbedClient(): { client: SESClient; send: SendMock } {
  const client = new SESClient({
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const send = vi.spyOn(client, 'send') as unknown as SendMock;
  send.mockImplementation(async () => ({ MessageId: 'ses-1', $metadata: {} }));
  return { client, send };
}

function throttling(): SESServiceException {
  return new SESServiceException({
    name: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Maximum sending rate exceeded.',
  });
}

function mailerWith(
  client: SESClient,
  time: ReturnType<typeof fakeTime>,
  options: Partial<SesMailerOptions> = {},
) {
  return createSesMailer({
    client,
    sendRatePerSecond: 1000,
    sleep: time.sleep,
    now: time.now,
    random: () => 0,
    ...options,
  });
}

describe('createSesMailer', () => {
  it('sends our raw message, with our unsubscribe headers, to exactly the one recipient', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    const mailer = mailerWith(client, fakeTime(), { configurationSetName: 'news-alerts' });

    // Act
    const receipt = await mailer.send(outgoing({ to: 'Reader <reader@example.net>' }));

    // Assess
    expect(receipt).toEqual({ messageId: 'ses-1' });
    const input = send.mock.calls[0]?.[0].input;
    expect(input?.Destinations).toEqual(['reader@example.net']);
    expect(input?.ConfigurationSetName).toBe('news-alerts');
    const raw = Buffer.from(input?.RawMessage?.Data ?? new Uint8Array()).toString('latin1');
    const parsed = parseRawMessage(raw);
    expect(parsed.header('list-unsubscribe')).toBe(`<${UNSUBSCRIBE}>`);
    expect(parsed.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('paces back-to-back sends to the configured rate', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    const time = fakeTime();
    const mailer = mailerWith(client, time, { sendRatePerSecond: 5 });

    // Act
    for (let index = 0; index < 10; index += 1) await mailer.send(outgoing());

    // Assess: the first goes at once, each of the other nine waits one 200 ms slot.
    expect(send).toHaveBeenCalledTimes(10);
    expect(time.sleeps).toEqual(Array.from({ length: 9 }, () => 200));
    expect(time.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe((10 - 1) * (1000 / 5));
  });

  it('shares one rate between sends running at the same time', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    const time = fakeTime({ sleepAdvancesClock: false });
    const mailer = mailerWith(client, time, { sendRatePerSecond: 10 });

    // Act
    await Promise.all(Array.from({ length: 5 }, () => mailer.send(outgoing())));

    // Assess: each concurrent caller reserved the next 100 ms slot.
    expect(send).toHaveBeenCalledTimes(5);
    expect(time.sleeps).toEqual([100, 200, 300, 400]);
  });

  it('sends at once after an idle spell, and allows the configured burst', async () => {
    // Prepare
    const { client } = stubbedClient();
    const time = fakeTime();
    const mailer = mailerWith(client, time, { sendRatePerSecond: 2, burst: 3 });

    // Act
    for (let index = 0; index < 3; index += 1) await mailer.send(outgoing());
    const afterBurst = [...time.sleeps];
    time.advance(10_000);
    await mailer.send(outgoing());

    // Assess
    expect(afterBurst).toEqual([]);
    expect(time.sleeps).toEqual([]);
  });

  it('retries throttling with growing backoff and then delivers', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    send
      .mockRejectedValueOnce(throttling())
      .mockRejectedValueOnce(throttling())
      .mockResolvedValueOnce({ MessageId: 'ses-3', $metadata: {} });
    const time = fakeTime();
    const retries: number[] = [];
    const mailer = mailerWith(client, time, { onRetry: (event) => retries.push(event.attempt) });

    // Act
    const receipt = await mailer.send(outgoing());

    // Assess: equal-jitter backoff with random() = 0 waits half of 200 ms, then half of 400 ms.
    expect(receipt.messageId).toBe('ses-3');
    expect(send).toHaveBeenCalledTimes(3);
    expect(time.sleeps).toEqual([100, 200]);
    expect(retries).toEqual([1, 2]);
  });

  it('hands a still-throttled message back to the queue after maxAttempts, never dropping it', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    send.mockRejectedValue(throttling());
    const time = fakeTime();
    const mailer = mailerWith(client, time, { maxAttempts: 3 });

    // Act
    const error = await mailer.send(outgoing()).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(RetryableSendError);
    expect(error).toMatchObject({ code: 'THROTTLED', attempts: 3, stage: 'send' });
    expect(send).toHaveBeenCalledTimes(3);
    expect(time.sleeps).toEqual([100, 200]);
  });

  it('retries a server error and a dropped connection as transient', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    const serverError = new SESServiceException({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
      message: 'internal',
    });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    send
      .mockRejectedValueOnce(serverError)
      .mockRejectedValueOnce(reset)
      .mockResolvedValueOnce({ MessageId: 'ses-ok', $metadata: {} });
    const mailer = mailerWith(client, fakeTime());

    // Act
    const receipt = await mailer.send(outgoing());

    // Assess
    expect(receipt.messageId).toBe('ses-ok');
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('does not retry a message SES rejects', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    send.mockRejectedValue(
      new MessageRejected({
        $metadata: { httpStatusCode: 400 },
        message: 'Email address is not verified.',
      }),
    );
    const time = fakeTime();
    const mailer = mailerWith(client, time);

    // Act
    const error = await mailer.send(outgoing()).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(PermanentSendError);
    expect(error).toMatchObject({ code: 'REJECTED' });
    expect(send).toHaveBeenCalledTimes(1);
    expect(time.sleeps).toEqual([]);
  });

  it('hands a daily-quota refusal straight back to the queue: waiting seconds cannot help', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    send.mockRejectedValue(
      new SESServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Daily message quota exceeded.',
      }),
    );
    const mailer = mailerWith(client, fakeTime());

    // Act
    const error = await mailer.send(outgoing()).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'RetryableSendError', code: 'THROTTLED', attempts: 1 });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('refuses a recipient that is not one address without calling SES', async () => {
    // Prepare
    const { client, send } = stubbedClient();
    const mailer = mailerWith(client, fakeTime());

    // Act
    const error = await mailer
      .send(outgoing({ to: 'a@example.net, b@evil.test' }))
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'PermanentSendError', code: 'BAD_MESSAGE' });
    expect(send).not.toHaveBeenCalled();
  });

  it('refuses a send rate that is not positive', () => {
    // Prepare
    const { client } = stubbedClient();

    // Act + Assess
    expect(() => createSesMailer({ client, sendRatePerSecond: 0 })).toThrow(/sendRatePerSecond/);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt and never exceeds the cap', () => {
    // Act
    const low = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 200, 5000, () => 0));
    const high = backoffDelay(30, 200, 5000, () => 0.999_999);

    // Assess
    expect(low).toEqual([100, 200, 400, 800]);
    expect(high).toBeLessThanOrEqual(5000);
    expect(high).toBeGreaterThanOrEqual(2500);
  });
});

describe('classifySendError', () => {
  it.each([
    ['Throttling', 400, 'throttled', 'THROTTLED', 'Maximum sending rate exceeded.'],
    ['ThrottlingException', 400, 'throttled', 'THROTTLED', 'Rate exceeded'],
    ['TooManyRequestsException', 429, 'throttled', 'THROTTLED', 'slow down'],
    ['SomethingNew', 503, 'transient', 'TRANSIENT', 'unavailable'],
    ['InternalFailure', 500, 'transient', 'TRANSIENT', 'oops'],
    ['MessageRejected', 400, 'permanent', 'REJECTED', 'rejected'],
    ['MailFromDomainNotVerifiedException', 400, 'permanent', 'SENDER_NOT_VERIFIED', 'not verified'],
    ['InvalidParameterValue', 400, 'permanent', 'INVALID_PARAMETER', 'bad'],
    ['AccountSendingPausedException', 400, 'transient', 'TRANSIENT', 'paused'],
    ['SomeOtherClientError', 400, 'permanent', 'CLIENT_ERROR', 'bad request'],
  ])('treats %s (%i) as %s', (name, status, kind, code, message) => {
    // Prepare
    const error = new SESServiceException({
      name,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
      message,
    });

    // Act + Assess
    expect(classifySendError(error)).toMatchObject({ kind, code });
  });

  it('treats an unforeseen error without an HTTP answer as transient, so nothing is dropped', () => {
    // Act + Assess
    expect(classifySendError(new Error('Could not load credentials'))).toMatchObject({
      kind: 'transient',
    });
  });
});

/**
 * A loopback stand-in for SES that answers with scripted responses, so the real SDK parses real
 * SES error documents (status, XML body) into the errors the mailer has to classify.
 */
describe('createSesMailer with SES error answers over HTTP', () => {
  let server: Server;
  let endpoint: string;
  const script: Array<{ status: number; code?: string; message?: string }> = [];
  let requests = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        requests += 1;
        const next = script.shift() ?? { status: 200 };
        response.writeHead(next.status, { 'content-type': 'text/xml' });
        response.end(
          next.status === 200
            ? `<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>ok-${requests}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SendRawEmailResponse>`
            : `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${next.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${next.code}</Code><Message>${next.message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    script.length = 0;
    requests = 0;
  });

  function mailer() {
    return mailerWith(localSesClient(endpoint), fakeTime());
  }

  it('retries SES throttling answers, then delivers', async () => {
    // Prepare
    script.push(
      { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' },
      { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' },
    );

    // Act
    const receipt = await mailer().send(outgoing());

    // Assess
    expect(receipt.messageId).toBe('ok-3');
    expect(requests).toBe(3);
  });

  it('gives a message that keeps getting 5xx back to the queue after four attempts', async () => {
    // Prepare
    script.push(
      ...Array.from({ length: 4 }, () => ({
        status: 500,
        code: 'InternalFailure',
        message: 'boom',
      })),
    );

    // Act
    const error = await mailer()
      .send(outgoing())
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'RetryableSendError', code: 'TRANSIENT', attempts: 4 });
    expect(requests).toBe(4);
  });

  it.each([
    ['MessageRejected', 'Email address is not verified.', 'REJECTED'],
    ['MailFromDomainNotVerifiedException', 'MAIL FROM domain not verified', 'SENDER_NOT_VERIFIED'],
    ['InvalidParameterValue', 'Missing final @domain', 'INVALID_PARAMETER'],
  ])('fails %s permanently after one attempt', async (code, message, expected) => {
    // Prepare
    script.push({ status: 400, code, message });

    // Act
    const error = await mailer()
      .send(outgoing())
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'PermanentSendError', code: expected });
    expect(requests).toBe(1);
  });

  it('treats a refused connection as transient', async () => {
    // Prepare: a port nothing listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = mailerWith(localSesClient(`http://127.0.0.1:${port}`), fakeTime(), {
      maxAttempts: 2,
    });

    // Act
    const error = await unreachable.send(outgoing()).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'RetryableSendError', code: 'TRANSIENT', attempts: 2 });
  });
});

describe('createSesMailer against the local SES (aws-ses-v2-local)', () => {
  let ses: LocalSes;

  beforeAll(async () => {
    ses = await startLocalSes();
  });

  afterAll(async () => {
    await ses?.stop();
  });

  afterEach(async () => {
    await clearLocalInbox(ses.endpoint);
  });

  it('delivers an Armenian alert with its decoded subject, both parts and the unsubscribe headers', async () => {
    // Prepare
    const title = 'Հայաստանն ու Ադրբեջանը նախաստորագրեցին խաղաղության համաձայնագիրը';
    const email = renderAlertEmail({
      from: 'News Alerts <alerts@example.org>',
      to: 'reader@example.net',
      article: {
        key: 'k1',
        title,
        url: 'https://armenpress.example/hy/1',
        outlet: 'Armenpress',
        summary: 'Վաշինգտոն, օգոստոսի 8։',
        publishedAt: '2025-08-08T17:45:00Z',
        lang: 'hy',
      },
      alsoReportedBy: [
        {
          outlet: 'ТАСС',
          url: 'https://tass.example/1',
          title: 'Армения и Азербайджан парафировали договор',
        },
      ],
      reason: {
        topics: [{ slug: 'peace-process', name: 'Peace process' }],
        matched: ['խաղաղության'],
      },
      links: {
        unsubscribeUrl: UNSUBSCRIBE,
        preferencesUrl: 'https://alerts.example.org/preferences?token=opaque-1',
      },
    });
    const client = localSesClient(ses.endpoint);
    const wire: string[] = [];
    // Keep the exact bytes we put on the wire: the local server does not store raw messages.
    client.middlewareStack.add(
      (next) => async (args) => {
        wire.push(String((args.request as { body?: unknown }).body));
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureRawMessage' },
    );
    const mailer = createSesMailer({ client, sendRatePerSecond: 50 });

    // Act
    const receipt = await mailer.send(email);
    const inbox = await readLocalInbox(ses.endpoint);

    // Assess: what the local SES stored (it parses the message with mailparser).
    expect(inbox).toHaveLength(1);
    const stored = inbox[0];
    expect(stored?.messageId).toBe(receipt.messageId);
    expect(stored?.subject).toBe(`[News Alerts] ${title}`);
    expect(stored?.to).toEqual(['reader@example.net']);
    // mailparser formats the display name as a quoted string.
    expect(stored?.from).toBe('"News Alerts" <alerts@example.org>');
    expect(stored?.text?.replace(/\r\n/g, '\n')).toBe(email.text);
    expect(stored?.html).toContain(title);
    expect(stored?.html).toContain('Армения и Азербайджан парафировали договор');
    // aws-ses-v2-local 2.10 keeps no headers from a raw message (only from/to/subject/bodies), so
    // List-Unsubscribe cannot be read back from its store; the wire bytes below prove we sent it.
    expect(stored?.headers).toEqual({});

    // Assess: what went over the wire.
    const form = new URLSearchParams(wire[0]);
    expect(form.get('Action')).toBe('SendRawEmail');
    const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64').toString('latin1');
    const parsed = parseRawMessage(raw);
    expect(parsed.header('list-unsubscribe')).toBe(`<${UNSUBSCRIBE}>`);
    expect(parsed.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(parsed.header('subject')).toBe(`[News Alerts] ${title}`);
  });
});
