/**
 * The editors' admin API (JSON in, JSON out), every route `auth: 'admin'`:
 *
 * | route | body | what it does |
 * |---|---|---|
 * | `GET /admin/topics` | | topics and the gate, with version and who saved them |
 * | `GET /admin/topics/:slug` | | one topic with its definition |
 * | `PUT /admin/topics/:slug` | `{definition, reason?, expectedVersion?}` | create or change (a new version) |
 * | `POST /admin/topics/:slug/disable` | `{reason?, expectedVersion?}` | stop tagging with it |
 * | `POST /admin/topics/:slug/enable` | `{reason?, expectedVersion?}` | tag with it again |
 * | `GET /admin/topics/:slug/history` | | every version, oldest first, with what changed |
 * | `POST /admin/topics/:slug/restore` | `{version, reason?, expectedVersion?}` | save an old version again |
 * | `POST /admin/topics/preview` | `{definition, days?}` | backtest against the saved version |
 * | `GET /admin/feeds` | | feeds with health |
 * | `POST /admin/feeds` | `{url, outlet?, lang?, intervalMinutes?, dryRun?}` | fetch once, then add |
 * | `POST /admin/feeds/check` | `{feeds?: [id…]}` | fetch now and report (all, or those named) |
 * | `POST /admin/feeds/:id/check` | | fetch one feed now and report |
 * | `POST /admin/feeds/:id/disable` | `{reason}` | stop polling it |
 * | `POST /admin/feeds/:id/enable` | | poll it again from the next cycle |
 * | `DELETE /admin/feeds/:id` | | remove it (its articles stay) |
 *
 * Authorisation: in AWS, API Gateway's IAM authoriser checks the SigV4 signature on `/admin/*`
 * and the router additionally refuses a request whose context carries no IAM caller
 * ({@link iamAdminAuthorizer}); locally a bearer token ({@link bearerTokenAuthorizer}). Changes
 * are recorded under the IAM principal's ARN (locally: `by` in the body, else "local admin").
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { formatTopicIssue, TopicValidationError } from '../domain/tagging';
import { NewsAlertError } from '../shared/errors';
import {
  checkFeeds,
  type FeedsAdminDeps,
  fetchAndReport,
  findFeed,
  listFeedsWithHealth,
  previewNewFeed,
  removeFeed,
  saveNewFeed,
  setFeedEnabled,
} from '../use-cases/feeds-admin.use-case';
import type { ArticleRepository, TopicRepository } from '../use-cases/ports';
import { previewTopicDraft } from '../use-cases/topic-preview.use-case';
import {
  describeChange,
  listTopics,
  restoreTopicVersion,
  saveTopics,
  setTopicEnabled,
  showTopic,
  TopicAdminError,
  type TopicDraft,
  topicDraftsFrom,
  topicHistory,
} from '../use-cases/topics-admin.use-case';
import { parseBody } from './body';
import type { AdminAuthorizer, HttpRequest, HttpResponse } from './http-types';
import { jsonError, jsonResponse } from './responses';
import type { Router } from './router';

export interface AdminRouteDeps extends FeedsAdminDeps {
  topics: TopicRepository;
  articles: Pick<ArticleRepository, 'recent'>;
  /** Body cap; topic definitions can be long. Default 64 KB. */
  maxBodyBytes?: number;
  /** Most articles one HTTP backtest reads (a Lambda has seconds, not minutes). Default 5,000. */
  maxPreviewArticles?: number;
}

const LOCAL_EDITOR = 'local admin';

/**
 * Allows a request that API Gateway's IAM authoriser verified: the adapter copies the caller
 * from `requestContext.authorizer.iam` into `request.principal`. Anything else is refused, so a
 * route wired without the authoriser by mistake stays closed.
 *
 * @example const router = createRouter({ authorizeAdmin: iamAdminAuthorizer, logger });
 */
export const iamAdminAuthorizer: AdminAuthorizer = (request) =>
  request.principal?.kind === 'iam' && request.principal.arn.length > 0;

/**
 * Like {@link iamAdminAuthorizer}, and the caller must also be a session of the stack's admin role
 * (`arn:aws:sts::<account>:assumed-role/<roleName>/<session>`). HTTP APIs have no resource policy,
 * so without this any principal of the account with a broad `execute-api:Invoke` grant would pass.
 *
 * @example createRouter({ authorizeAdmin: adminRoleAuthorizer('NewsAlerts-prod-admin') })
 */
export function adminRoleAuthorizer(roleName: string): AdminAuthorizer {
  const prefix = `:assumed-role/${roleName}/`;
  return (request) =>
    iamAdminAuthorizer(request) === true &&
    /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\//.test(request.principal?.arn ?? '') &&
    (request.principal?.arn ?? '').includes(prefix);
}

/**
 * Allows a request that sends `Authorization: Bearer <token>`, compared in constant time (both
 * sides hashed first, so neither content nor length leaks through timing).
 *
 * @example createRouter({ authorizeAdmin: bearerTokenAuthorizer(readFileSync('.local/admin-token', 'utf8')) })
 */
export function bearerTokenAuthorizer(token: string): AdminAuthorizer {
  const secret = token.trim();
  if (secret.length < 16) throw new Error('the admin token must be at least 16 characters long');
  const expected = digest(secret);
  return (request) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) return false;
    return timingSafeEqual(digest(match[1]), expected);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const reasonField = z.string().trim().max(500, 'reason: at most 500 characters').optional();
const versionField = z.number().int().nonnegative().optional();
const byField = z.string().trim().min(1).max(200).optional();

const schemas = {
  save: z.object({
    definition: z.unknown(),
    reason: reasonField,
    expectedVersion: versionField,
    by: byField,
  }),
  preview: z.object({
    definition: z.unknown(),
    days: z.number().int().min(1).max(400).optional(),
  }),
  toggle: z.object({ reason: reasonField, expectedVersion: versionField, by: byField }),
  restore: z.object({
    version: z.number({ error: 'version must be a number' }).int().positive(),
    reason: reasonField,
    expectedVersion: versionField,
    by: byField,
  }),
  addFeed: z.object({
    url: z.string({ error: 'url is missing' }).trim().min(1, 'url is missing'),
    outlet: z.string().trim().min(1).max(200).optional(),
    lang: z
      .string()
      .regex(/^[a-z]{2,3}$/, 'lang looks like "en", "ru", "hy", "az"')
      .optional(),
    intervalMinutes: z.number().int().min(1).max(1440).optional(),
    dryRun: z.boolean().optional(),
  }),
  checkFeeds: z.object({ feeds: z.array(z.string().min(1)).max(500).optional() }),
  feedToggle: z.object({ reason: reasonField, by: byField }),
};

/**
 * Adds the admin routes to a router built with an `authorizeAdmin` hook.
 *
 * @example
 * const router = createRouter({ authorizeAdmin: bearerTokenAuthorizer(token) });
 * registerAdminRoutes(router, { topics, articles, feeds, fetcher, parse: parseFeed, clock, feedId: feedIdFor });
 */
export function registerAdminRoutes(router: Router, deps: AdminRouteDeps): Router {
  const admin = { auth: 'admin' } as const;
  const read = <S extends z.ZodType>(request: HttpRequest, schema: S) =>
    readJson(request, schema, deps.maxBodyBytes ?? 64 * 1024);

  router.add(
    'GET',
    '/admin/topics',
    guarded(async () => jsonResponse(200, { topics: await listTopics(deps) })),
    admin,
  );

  router.add(
    'GET',
    '/admin/topics/:slug',
    guarded(async (_request, { params }) =>
      jsonResponse(200, { topic: await showTopic(deps, params.slug ?? '') }),
    ),
    admin,
  );

  router.add(
    'PUT',
    '/admin/topics/:slug',
    guarded(async (request, { params }) => {
      const body = read(request, schemas.save);
      const slug = params.slug ?? '';
      const draft = draftFor(slug, body.definition);
      const [outcome] = await saveTopics(deps, [draft], changeBy(request, body), {
        mode: 'upsert',
        expectedVersion: body.expectedVersion,
      });
      return jsonResponse(outcome?.previousVersion === undefined ? 201 : 200, outcome);
    }),
    admin,
  );

  for (const action of ['disable', 'enable'] as const) {
    router.add(
      'POST',
      `/admin/topics/:slug/${action}`,
      guarded(async (request, { params }) => {
        const body = read(request, schemas.toggle);
        const outcome = await setTopicEnabled(
          deps,
          params.slug ?? '',
          action === 'enable',
          changeBy(request, body),
          { expectedVersion: body.expectedVersion },
        );
        return jsonResponse(200, outcome);
      }),
      admin,
    );
  }

  router.add(
    'GET',
    '/admin/topics/:slug/history',
    guarded(async (_request, { params }) => {
      const slug = params.slug ?? '';
      const versions = await topicHistory(deps, slug);
      return jsonResponse(200, {
        slug,
        versions: versions.map((version, index) => ({
          ...version,
          change: describeChange(versions[index - 1], version),
        })),
      });
    }),
    admin,
  );

  router.add(
    'POST',
    '/admin/topics/:slug/restore',
    guarded(async (request, { params }) => {
      const body = read(request, schemas.restore);
      const outcome = await restoreTopicVersion(
        deps,
        params.slug ?? '',
        body.version,
        changeBy(request, body),
        { expectedVersion: body.expectedVersion },
      );
      return jsonResponse(200, outcome);
    }),
    admin,
  );

  router.add(
    'POST',
    '/admin/topics/preview',
    guarded(async (request) => {
      const body = read(request, schemas.preview);
      const slug = isRecord(body.definition) && typeof body.definition.slug === 'string';
      if (!slug) throw badRequest('definition.slug is missing (use "relevance" for the gate)');
      const draft = draftFor(String((body.definition as { slug: string }).slug), body.definition);
      const preview = await previewTopicDraft(deps, draft, {
        ...(body.days ? { days: body.days } : {}),
        maxArticles: deps.maxPreviewArticles ?? 5_000,
        maxListed: 200,
      });
      return jsonResponse(200, preview);
    }),
    admin,
  );

  router.add(
    'GET',
    '/admin/feeds',
    guarded(async () => {
      const feeds = await listFeedsWithHealth(deps);
      return jsonResponse(200, { feeds: feeds.map(({ feed, health }) => ({ ...feed, health })) });
    }),
    admin,
  );

  router.add(
    'POST',
    '/admin/feeds',
    guarded(async (request) => {
      const body = read(request, schemas.addFeed);
      const { feed, check } = await previewNewFeed(deps, body);
      if (body.dryRun) return jsonResponse(200, { saved: false, feed, check });
      await saveNewFeed(deps, feed);
      return jsonResponse(201, { saved: true, feed, check });
    }),
    admin,
  );

  router.add(
    'POST',
    '/admin/feeds/check',
    guarded(async (request) => {
      const body = read(request, schemas.checkFeeds);
      const checks = await checkFeeds(deps, body.feeds ? { feeds: body.feeds } : {});
      return jsonResponse(200, { checks });
    }),
    admin,
  );

  router.add(
    'POST',
    '/admin/feeds/:id/check',
    guarded(async (_request, { params }) => {
      const feed = await findFeed(deps, params.id ?? '');
      return jsonResponse(200, { check: await fetchAndReport(deps, feed.url, feed) });
    }),
    admin,
  );

  for (const action of ['disable', 'enable'] as const) {
    router.add(
      'POST',
      `/admin/feeds/:id/${action}`,
      guarded(async (request, { params }) => {
        const body = read(request, schemas.feedToggle);
        const outcome = await setFeedEnabled(
          deps,
          params.id ?? '',
          action === 'enable',
          changeBy(request, body),
        );
        return jsonResponse(200, outcome);
      }),
      admin,
    );
  }

  router.add(
    'DELETE',
    '/admin/feeds/:id',
    guarded(async (_request, { params }) =>
      jsonResponse(200, { removed: await removeFeed(deps, params.id ?? '') }),
    ),
    admin,
  );

  return router;
}

/** The name a change is recorded under: the verified IAM caller, never a claim in the body. */
/**
 * Who made a change and why: the IAM caller when there is one (whatever the body claims), else
 * the body's `by`, else the local admin.
 */
function changeBy(
  request: HttpRequest,
  body: { by?: string; reason?: string },
): { by: string; reason?: string } {
  const by = request.principal?.arn ?? body.by ?? LOCAL_EDITOR;
  return body.reason ? { by, reason: body.reason } : { by };
}

/** One draft from a request: the path's slug must be the definition's (or fills it in). */
function draftFor(slug: string, definition: unknown): TopicDraft {
  if (definition === undefined) throw badRequest('definition is missing');
  if (!isRecord(definition)) throw badRequest('definition must be an object');
  const given = definition.slug;
  if (given !== undefined && given !== slug) {
    throw badRequest(
      `the definition's slug "${String(given)}" is not the one in the path ("${slug}")`,
    );
  }
  const drafts = topicDraftsFrom({ ...definition, slug });
  const draft = drafts[0];
  if (!draft || drafts.length !== 1) throw badRequest('send one topic definition');
  return draft;
}

class BadRequestError extends NewsAlertError {
  override readonly name = 'BadRequestError';
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 = 400,
    code = 'INVALID_INPUT',
  ) {
    super('admin', code, message);
  }
}

function badRequest(message: string): BadRequestError {
  return new BadRequestError(message);
}

function readJson<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  maxBytes: number,
): z.infer<S> {
  const body = parseBody(request, { maxBytes });
  if (!body.ok) throw new BadRequestError(body.message, body.status, body.code);
  if (body.kind === 'form') {
    throw new BadRequestError(
      'send JSON (Content-Type: application/json)',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  }
  const parsed = schema.safeParse(body.fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw badRequest(`${where}${issue?.message ?? 'invalid body'}`);
  }
  return parsed.data;
}

type Handler = Parameters<Router['add']>[2];

/** Turns the errors editors can cause into 4xx answers with a stable code; the rest is a 500. */
function guarded(handler: Handler): Handler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      const answer = errorAnswer(error);
      if (answer) return answer;
      throw error;
    }
  };
}

const STATUS_BY_CODE: Record<string, number> = {
  TOPIC_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  FEED_NOT_FOUND: 404,
  TOPIC_EXISTS: 409,
  FEED_EXISTS: 409,
  TOPIC_CONFLICT: 409,
  GATE_ALWAYS_ON: 400,
  INVALID_INPUT: 400,
  FEED_UNUSABLE: 422,
};

function errorAnswer(error: unknown): HttpResponse | undefined {
  if (error instanceof TopicValidationError) {
    return jsonError(400, 'INVALID_TOPIC', error.issues.map(formatTopicIssue).join('\n'), {
      issues: error.issues,
    });
  }
  if (error instanceof BadRequestError) return jsonError(error.status, error.code, plain(error));
  if (error instanceof TopicAdminError || error instanceof NewsAlertError) {
    const status = STATUS_BY_CODE[error.code];
    if (status) return jsonError(status, error.code, plain(error));
  }
  return undefined;
}

/** The message without the `stage: ` prefix every NewsAlertError carries. */
function plain(error: NewsAlertError): string {
  return error.message.startsWith(`${error.stage}: `)
    ? error.message.slice(error.stage.length + 2)
    : error.message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
