/**
 * Reading request bodies: `application/x-www-form-urlencoded` (what HTML forms send) and
 * `application/json`, capped in size. Anything else is refused with a status and a message.
 */
import type { HttpRequest } from './http-types';
import { mediaType } from './responses';

/** The default cap: far above any real form here, far below anything that costs us. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
const MAX_FIELDS = 200;

export type ParsedBody =
  | {
      ok: true;
      kind: 'form' | 'json' | 'empty';
      /** Form fields as lists of values (repeated names); JSON as the object it holds. */
      fields: Record<string, unknown>;
    }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

/**
 * Parses a body by its Content-Type. An empty body is an empty form.
 *
 * @example parseBody({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'topics=a&topics=b' })
 * // { ok: true, kind: 'form', fields: { topics: ['a', 'b'] } }
 */
export function parseBody(
  request: Pick<HttpRequest, 'headers' | 'body'>,
  options: { maxBytes?: number } = {},
): ParsedBody {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (Buffer.byteLength(request.body, 'utf8') > maxBytes) {
    // 400 like every other bad input (the subscribe contract), with its own stable code.
    return {
      ok: false,
      status: 400,
      code: 'BODY_TOO_LARGE',
      message: `The request body is larger than ${Math.floor(maxBytes / 1024)} KB.`,
    };
  }
  if (request.body.trim() === '') return { ok: true, kind: 'empty', fields: emptyRecord() };
  const type = mediaType(request.headers['content-type']);
  if (type === 'application/x-www-form-urlencoded') return parseForm(request.body);
  if (type === 'application/json') return parseJson(request.body);
  return {
    ok: false,
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the form as application/x-www-form-urlencoded or the data as application/json.',
  };
}

/** Fields of a URL-encoded form, each as the list of its values. */
export function parseForm(text: string): ParsedBody {
  const fields = emptyRecord() as Record<string, string[]>;
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    count += 1;
    if (count > MAX_FIELDS) {
      return {
        ok: false,
        status: 400,
        code: 'TOO_MANY_FIELDS',
        message: 'The form has too many fields.',
      };
    }
    const values = fields[name];
    if (values) values.push(value);
    else fields[name] = [value];
  }
  return { ok: true, kind: 'form', fields };
}

function parseJson(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      status: 400,
      code: 'BAD_JSON',
      message: 'The request body is not valid JSON.',
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      status: 400,
      code: 'BAD_JSON',
      message: 'The request body must be a JSON object.',
    };
  }
  // Copied onto a prototype-less object: a `__proto__` key stays a plain field.
  return { ok: true, kind: 'json', fields: Object.assign(emptyRecord(), value) };
}

function emptyRecord(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}
