import { finished, type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from './fetch-error';

/** More codings than this on one body is an attack, not a server. */
const MAX_CODINGS = 2;

/**
 * Parses Content-Encoding into the codings to undo, in the order they were applied.
 * `identity` is dropped; an unknown coding is a DECOMPRESSION error since the bytes would be
 * unreadable anyway.
 */
export function contentCodings(header: string | undefined): string[] {
  if (!header) return [];
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  for (const coding of codings) {
    if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(coding)) {
      throw new FetchError('DECOMPRESSION', `unsupported Content-Encoding "${coding}"`);
    }
  }
  if (codings.length > MAX_CODINGS) {
    throw new FetchError('DECOMPRESSION', `too many Content-Encodings: "${header}"`);
  }
  return codings;
}

/**
 * "deflate" is meant to be zlib-wrapped (RFC 9110), but some servers send raw DEFLATE, as
 * browsers accept. The first two bytes tell: a zlib header has compression method 8 and is a
 * multiple of 31 read as a big-endian number.
 */
class DeflateDecoder extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.inner) {
      const b0 = chunk[0] ?? 0;
      const b1 = chunk[1] ?? 0;
      const zlibWrapped = (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
      const inner = zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
      inner.on('data', (data: Buffer) => {
        if (!this.push(data)) inner.pause();
      });
      inner.on('error', (error) => this.destroy(error));
      this.inner = inner;
    }
    this.inner.write(chunk, () => callback());
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.inner) {
      callback();
      return;
    }
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}

function decoderFor(coding: string): Transform {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return new DeflateDecoder();
    default:
      return zlib.createBrotliDecompress();
  }
}

/** Counts bytes going through and fails the stream as soon as they pass `maxBytes`. */
class ByteLimit extends Transform {
  bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(tooLarge(this.maxBytes, this.what));
      return;
    }
    callback(null, chunk);
  }
}

function tooLarge(maxBytes: number, what: string): FetchError {
  return new FetchError('BODY_TOO_LARGE', `${what} exceeds ${maxBytes} bytes; aborted`);
}

/**
 * Refuses a body before reading it when its declared length is over the cap.
 * Content-Length counts the encoded bytes, which the cap applies to as well.
 */
export function assertDeclaredLength(contentLength: string | undefined, maxBytes: number): void {
  if (contentLength === undefined || !/^\d+$/.test(contentLength.trim())) return;
  const declared = Number(contentLength.trim());
  if (declared > maxBytes) {
    throw new FetchError(
      'BODY_TOO_LARGE',
      `Content-Length ${declared} exceeds ${maxBytes} bytes; refused before reading`,
    );
  }
}

/**
 * Reads a response body, undoing its Content-Encoding, into memory: at most `maxBytes` on the
 * wire, after each decoding step and in the result. The cap is enforced while streaming, so a
 * gzip bomb stops one zlib chunk (16 KiB) past the cap instead of inflating in full; failing
 * destroys `source` (and with it the socket).
 *
 * Throws FetchError: BODY_TOO_LARGE, DECOMPRESSION (corrupt or unsupported coding), NETWORK (the
 * connection failed mid-body), or whatever FetchError `source` was destroyed with (TIMEOUT).
 *
 * @example
 * const body = await readBody(response, response.headers['content-encoding'], 10 * 1024 * 1024);
 */
export async function readBody(
  source: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  const codings = contentCodings(contentEncoding);
  if (codings.length === 0) return await readIdentity(source, maxBytes);
  const wire = new ByteLimit(maxBytes, 'body');
  const decodeSteps = [...codings].reverse().flatMap((coding) => {
    const decoder = decoderFor(coding);
    return [decoder, new ByteLimit(maxBytes, `body after ${coding} decompression`)];
  });

  // Pipeline destroys every stream with the first error, so each emits it: only the first
  // 'error' event tells where the failure came from.
  let failedFirst: 'source' | 'decoder' | undefined;
  const noteFailure = (origin: 'source' | 'decoder') => () => {
    failedFirst ??= origin;
  };
  source.once('error', noteFailure('source'));
  source.once('aborted', noteFailure('source'));
  for (const step of decodeSteps) step.once('error', noteFailure('decoder'));

  const chunks: Buffer[] = [];
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) return callback(tooLarge(maxBytes, 'body'));
      chunks.push(chunk);
      callback();
    },
  });

  try {
    await pipeline([source, wire, ...decodeSteps, sink]);
  } catch (error) {
    if (error instanceof FetchError) throw error;
    // An empty body carries no compressed stream (204, or a lazy server): nothing to decode.
    if (failedFirst === 'decoder' && wire.bytes === 0) return new Uint8Array(0);
    if (failedFirst === 'decoder') {
      const detail = error instanceof Error ? error.message : String(error);
      throw new FetchError(
        'DECOMPRESSION',
        `could not decode the ${codings.join(', ')} body: ${detail}`,
        { cause: error },
      );
    }
    throw sourceFailure(error);
  }
  return joined(chunks, total);
}

/**
 * The body as it came (no Content-Encoding): the chunks are collected straight off the source,
 * with no stream stages in between, and the same cap — passing it destroys the source (and the
 * socket) at once, as the pipeline does for encoded bodies.
 */
function readIdentity(source: Readable, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) source.destroy(tooLarge(maxBytes, 'body'));
      else chunks.push(chunk);
    };
    source.on('data', onData);
    finished(source, (error) => {
      source.off('data', onData);
      if (!error) resolve(joined(chunks, total));
      else reject(error instanceof FetchError ? error : sourceFailure(error));
    });
  });
}

function sourceFailure(error: unknown): FetchError {
  return new FetchError(
    'NETWORK',
    `connection failed while reading the body: ${errorText(error)}`,
    {
      cause: error,
    },
  );
}

/** A plain Uint8Array of its own, not a view into Node's shared Buffer pool. */
function joined(chunks: Buffer[], total: number): Uint8Array {
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} ${error.message}` : error.message;
}
