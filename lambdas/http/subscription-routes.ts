/**
 * The public subscriber routes (the contract in DESIGN.md; keep the paths):
 *
 * | route | what it does |
 * |---|---|
 * | `GET /subscribe` (and `/`) | the form (JSON: the choices on offer) |
 * | `POST /subscribe` | double opt-in: same answer for every address |
 * | `GET /confirm?token=…` | a page with a button: mail scanners follow links, people press buttons |
 * | `POST /confirm?token=…` | confirms |
 * | `GET`/`POST /preferences?token=…` | shows / changes topics, languages, cadence, digest time, pause |
 * | `GET /unsubscribe?token=…` | a page with a button |
 * | `POST /unsubscribe?token=…` | RFC 8058 one-click: no cookie, no redirect, 200, effective at once |
 *
 * Forms get HTML pages back; JSON in (or `Accept: application/json`) gets JSON back.
 */
import {
  type ChoicesSummary,
  type FormValues,
  renderCheckInboxPage,
  renderConfirmedPage,
  renderConfirmPage,
  renderMessagePage,
  renderPreferencesPage,
  renderSubscribePage,
  renderUnsubscribedPage,
  renderUnsubscribePage,
} from '../domain/subscribers/pages';
import type { Subscriber } from '../domain/subscribers/subscriber';
import {
  CADENCES,
  type FieldProblem,
  LANGUAGES,
  type RawInput,
} from '../domain/subscribers/validation';
import {
  confirmSubscription,
  currentPreferences,
  type LinkProblem,
  readConfirmation,
  readPreferences,
  readUnsubscribe,
  type SubscriptionDeps,
  subscribe,
  unsubscribe,
  updatePreferences,
} from '../use-cases/subscriptions.use-case';
import { parseBody } from './body';
import type { HttpRequest, HttpResponse } from './http-types';
import { htmlResponse, jsonError, jsonResponse, wantsJson } from './responses';
import type { Router } from './router';

export interface SubscriptionRouteDeps extends SubscriptionDeps {
  /** Body size cap; default 16 KB. */
  maxBodyBytes?: number;
}

/**
 * Adds the subscriber routes to a router.
 *
 * @example
 * const router = createRouter({ logger });
 * registerSubscriptionRoutes(router, { subscribers, rateLimits, mailer, links, topics, from, clock });
 */
export function registerSubscriptionRoutes(router: Router, deps: SubscriptionRouteDeps): Router {
  const subscribePage = async (request: HttpRequest) => {
    const topics = await deps.topics();
    if (wantsJson(request)) {
      return jsonResponse(200, {
        topics,
        languages: LANGUAGES,
        cadences: CADENCES.map(({ value, label }) => ({ value, label })),
      });
    }
    return htmlResponse(200, renderSubscribePage({ topics }));
  };

  router.add('GET', '/', subscribePage);
  router.add('GET', '/subscribe', subscribePage);

  router.add('POST', '/subscribe', async (request) => {
    const json = wantsJson(request);
    const body = parseBody(request, { maxBytes: deps.maxBodyBytes });
    if (!body.ok) {
      if (json) return jsonError(body.status, body.code, body.message);
      const topics = await deps.topics();
      return htmlResponse(
        body.status,
        renderSubscribePage({ topics, problems: [{ field: 'body', message: body.message }] }),
      );
    }
    const outcome = await subscribe(deps, body.fields, optionalIp(request.sourceIp));
    if (outcome.kind === 'invalid') {
      if (json) return invalidJson(outcome.problems);
      const topics = await deps.topics();
      return htmlResponse(
        400,
        renderSubscribePage({
          topics,
          values: formValues(body.fields),
          problems: outcome.problems,
        }),
      );
    }
    if (outcome.kind === 'rate-limited') {
      const headers = { 'retry-after': String(outcome.retryAfterSeconds) };
      const message = 'Too many requests. Please wait a while and try again.';
      return json
        ? jsonError(
            429,
            'RATE_LIMITED',
            message,
            { retryAfterSeconds: outcome.retryAfterSeconds },
            headers,
          )
        : htmlResponse(429, renderMessagePage({ title: 'Please wait', message }), headers);
    }
    return json
      ? jsonResponse(202, {
          status: 'accepted',
          message:
            'If this address can receive our email, a confirmation link is on its way. It works for 48 hours.',
        })
      : htmlResponse(202, renderCheckInboxPage());
  });

  router.add('GET', '/confirm', async (request) => {
    const view = await readConfirmation(deps, request.query.token);
    if (view.kind === 'refused') return refused(request, view.problem);
    if (view.kind === 'already-confirmed')
      return confirmed(request, view.subscriber, 'already-confirmed');
    if (wantsJson(request)) {
      return jsonResponse(200, {
        status: 'pending',
        preferences: currentPreferences(view.subscriber),
      });
    }
    const topics = await deps.topics();
    return htmlResponse(
      200,
      renderConfirmPage({
        token: request.query.token ?? '',
        summary: summaryOf(view.subscriber),
        topicNames: new Map(topics.map((topic) => [topic.slug, topic.name])),
      }),
    );
  });

  router.add('POST', '/confirm', async (request) => {
    const outcome = await confirmSubscription(deps, request.query.token);
    if (outcome.kind === 'refused') return refused(request, outcome.problem);
    return confirmed(request, outcome.subscriber, outcome.kind);
  });

  router.add('GET', '/preferences', async (request) => {
    const view = await readPreferences(deps, request.query.token);
    if (view.kind === 'refused') return refused(request, view.problem);
    return await preferencesAnswer(request, view.subscriber, { status: 200 });
  });

  router.add('POST', '/preferences', async (request) => {
    const json = wantsJson(request);
    const body = parseBody(request, { maxBytes: deps.maxBodyBytes });
    if (!body.ok) {
      if (json) return jsonError(body.status, body.code, body.message);
      const view = await readPreferences(deps, request.query.token);
      if (view.kind === 'refused') return refused(request, view.problem);
      return await preferencesAnswer(request, view.subscriber, {
        status: body.status,
        problems: [{ field: 'body', message: body.message }],
      });
    }
    const outcome = await updatePreferences(deps, request.query.token, body.fields, {
      partial: body.kind === 'json',
    });
    if (outcome.kind === 'refused') return refused(request, outcome.problem);
    if (outcome.kind === 'invalid') {
      if (json) return invalidJson(outcome.problems);
      return await preferencesAnswer(request, outcome.subscriber, {
        status: 400,
        problems: outcome.problems,
        values: formValues(body.fields),
      });
    }
    return await preferencesAnswer(request, outcome.subscriber, { status: 200, saved: true });
  });

  router.add('GET', '/unsubscribe', async (request) => {
    const view = await readUnsubscribe(deps, request.query.token);
    if (view.kind === 'refused') return refused(request, view.problem);
    if (wantsJson(request)) return jsonResponse(200, { status: 'ready' });
    return htmlResponse(200, renderUnsubscribePage({ token: request.query.token ?? '' }));
  });

  // RFC 8058: the body is `List-Unsubscribe=One-Click` (form-encoded or multipart); the token in
  // the URL is what counts, so the body is not parsed and any content type is accepted.
  router.add('POST', '/unsubscribe', async (request) => {
    const outcome = await unsubscribe(deps, request.query.token);
    if (outcome.kind === 'refused') return refused(request, outcome.problem);
    return wantsJson(request)
      ? jsonResponse(200, { status: 'unsubscribed' })
      : htmlResponse(200, renderUnsubscribedPage());
  });

  async function preferencesAnswer(
    request: HttpRequest,
    subscriber: Subscriber,
    options: { status: number; problems?: FieldProblem[]; values?: FormValues; saved?: boolean },
  ): Promise<HttpResponse> {
    if (wantsJson(request)) {
      return jsonResponse(options.status, {
        status: subscriber.status,
        preferences: currentPreferences(subscriber),
        ...(options.saved ? { saved: true } : {}),
      });
    }
    const tokens = deps.links.tokens;
    const common = { subscriberId: subscriber.id, version: subscriber.tokenVersion };
    return htmlResponse(
      options.status,
      renderPreferencesPage({
        token: tokens.sign({ ...common, purpose: 'preferences' }),
        unsubscribeToken: tokens.sign({ ...common, purpose: 'unsubscribe' }),
        topics: await deps.topics(),
        values: options.values ?? formValues(currentPreferences(subscriber)),
        ...(options.problems ? { problems: options.problems } : {}),
        ...(options.saved ? { saved: true } : {}),
      }),
    );
  }

  function confirmed(
    request: HttpRequest,
    subscriber: Subscriber,
    kind: 'confirmed' | 'already-confirmed',
  ): HttpResponse {
    if (wantsJson(request))
      return jsonResponse(200, {
        status: 'active',
        [kind === 'confirmed' ? 'confirmed' : 'alreadyConfirmed']: true,
      });
    const preferencesToken = deps.links.tokens.sign({
      subscriberId: subscriber.id,
      version: subscriber.tokenVersion,
      purpose: 'preferences',
    });
    return htmlResponse(200, renderConfirmedPage({ preferencesToken }));
  }

  return router;
}

const LINK_PROBLEMS: Record<
  LinkProblem,
  { status: number; code: string; title: string; message: string }
> = {
  malformed: {
    status: 400,
    code: 'LINK_MALFORMED',
    title: 'This link is incomplete',
    message:
      'The link is missing or cut short. Open it again from the email, or copy the whole link into the address bar.',
  },
  'bad-signature': {
    status: 403,
    code: 'LINK_INVALID',
    title: 'This link is not valid',
    message:
      'We did not issue this link, or it was changed. Use the link exactly as it is in the email. Nothing was changed.',
  },
  'wrong-purpose': {
    status: 403,
    code: 'LINK_WRONG_PURPOSE',
    title: 'This link is for another page',
    message:
      'This link cannot be used here. Use the matching link from the email. Nothing was changed.',
  },
  expired: {
    status: 400,
    code: 'LINK_EXPIRED',
    title: 'This link has expired',
    message:
      'Confirmation links work for 48 hours. Subscribe again to get a new one. Nothing was changed.',
  },
  revoked: {
    status: 403,
    code: 'LINK_REPLACED',
    title: 'This link is no longer valid',
    message:
      'A newer link replaced this one. Use the link in your most recent email. Nothing was changed.',
  },
  gone: {
    status: 410,
    code: 'SUBSCRIPTION_GONE',
    title: 'No active subscription',
    message:
      'This subscription has ended or no longer exists. You can subscribe again at any time.',
  },
  'not-confirmed': {
    status: 409,
    code: 'NOT_CONFIRMED',
    title: 'Please confirm first',
    message: 'This subscription is not confirmed yet. Use the confirmation link we emailed you.',
  },
};

function refused(request: HttpRequest, problem: LinkProblem): HttpResponse {
  const answer = LINK_PROBLEMS[problem];
  if (wantsJson(request)) return jsonError(answer.status, answer.code, answer.message);
  return htmlResponse(
    answer.status,
    renderMessagePage({
      title: answer.title,
      message: answer.message,
      offerSubscribe: problem === 'expired' || problem === 'gone',
    }),
  );
}

function invalidJson(problems: FieldProblem[]): HttpResponse {
  return jsonError(400, 'INVALID_INPUT', problems.map((problem) => problem.message).join(' '), {
    fields: problems,
  });
}

function summaryOf(subscriber: Subscriber): ChoicesSummary {
  return {
    topics: subscriber.topics,
    languages: subscriber.languages,
    cadence: subscriber.cadence,
    digestHour: subscriber.digestHour,
    digestWeekday: subscriber.digestWeekday,
    timeZone: subscriber.timeZone,
    ...(subscriber.dailyCap === undefined ? {} : { dailyCap: subscriber.dailyCap }),
  };
}

/** Whatever was sent, as strings for the form to show back. */
function formValues(fields: RawInput): FormValues {
  const first = (value: unknown): string | undefined => {
    const single = Array.isArray(value) ? value[0] : value;
    return typeof single === 'string' || typeof single === 'number'
      ? String(single).slice(0, 300)
      : undefined;
  };
  const list = (value: unknown): string[] =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value])
      .filter((entry): entry is string => typeof entry === 'string')
      .slice(0, 100);
  const paused = first(fields.paused);
  return {
    email: first(fields.email),
    topics: list(fields.topics),
    languages: list(fields.languages),
    cadence: first(fields.cadence),
    digestHour: first(fields.digestHour),
    digestWeekday: first(fields.digestWeekday),
    timeZone: first(fields.timeZone),
    dailyCap: first(fields.dailyCap),
    paused: fields.paused === true || paused === 'on' || paused === 'true',
  };
}

function optionalIp(sourceIp: string | undefined): { sourceIp?: string } {
  return sourceIp ? { sourceIp } : {};
}
