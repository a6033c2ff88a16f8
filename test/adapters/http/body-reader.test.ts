import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentCodings, readBody } from '../../../lambdas/adapters/http/body-reader';
import { FetchError } from '../../../lambdas/adapters/http/fetch-error';
import { fetchFailure } from './servers';

/** A byte stream that produces `count` copies of `chunk` on demand and counts what was pulled. */
function lazyRepeat(chunk: Buffer, count: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (pulled === count) {
        this.push(null);
        return;
      }
      pulled += 1;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe('readBody', () => {
  it('stops reading a gzip bomb once the inflated bytes pass the cap', async () => {
    // Prepare: 16 GiB of zeros as 16384 gzip members of 1 MiB (about 1 KiB each on the wire).
    const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const bomb = lazyRepeat(member, 16 * 1024);

    // Act
    const error = await fetchFailure(readBody(bomb.stream, 'gzip', 1024 * 1024));

    // Assess: what was pulled is a few MiB of inflated data at most, not 16 GiB.
    expect(error.code).toBe('BODY_TOO_LARGE');
    expect(error.message).toBe(
      'fetch: body after gzip decompression exceeds 1048576 bytes; aborted',
    );
    expect(bomb.pulled()).toBeLessThan(64);
    expect(bomb.stream.destroyed).toBe(true);
  });

  it.each([
    ['deflate', zlib.deflateSync(Buffer.alloc(1024 * 1024))],
    ['deflate', zlib.deflateRawSync(Buffer.alloc(1024 * 1024))],
    ['br', zlib.brotliCompressSync(Buffer.alloc(1024 * 1024))],
  ])('stops a %s bomb the same way', async (encoding, member) => {
    // A single stream of 1 MiB repeated is not valid deflate/br past the first copy, so test
    // one member against a cap below it.
    const error = await fetchFailure(readBody(Readable.from([member]), encoding, 64 * 1024));

    expect(error.code).toBe('BODY_TOO_LARGE');
  });

  it('counts the bytes on the wire against the cap as well', async () => {
    const { stream } = lazyRepeat(Buffer.alloc(16 * 1024, 'x'), 100);

    const error = await fetchFailure(readBody(stream, undefined, 100 * 1024));

    expect(error.code).toBe('BODY_TOO_LARGE');
    expect(error.message).toBe('fetch: body exceeds 102400 bytes; aborted');
  });

  it('stops pulling an unencoded body at the cap and destroys its source', async () => {
    const { stream, pulled } = lazyRepeat(Buffer.alloc(16 * 1024, 'x'), 1000);

    const error = await fetchFailure(readBody(stream, 'identity', 100 * 1024));

    expect(error.code).toBe('BODY_TOO_LARGE');
    expect(stream.destroyed).toBe(true);
    expect(pulled()).toBeLessThan(12);
  });

  it.each([undefined, 'gzip'])(
    'passes on the FetchError a source was destroyed with (a timeout), encoding %s',
    async (encoding) => {
      const source = new Readable({
        read() {
          this.destroy(new FetchError('TIMEOUT', 'took longer than 300 ms; aborted'));
        },
      });

      const error = await fetchFailure(readBody(source, encoding, 1000));

      expect(error.code).toBe('TIMEOUT');
    },
  );

  it('returns a plain Uint8Array of its own, never a view into a shared buffer', async () => {
    const pooled = Buffer.from('<rss>hello</rss>');

    const body = await readBody(
      Readable.from([pooled.subarray(0, 5), pooled.subarray(5)]),
      undefined,
      100,
    );

    expect(Buffer.from(body).toString()).toBe('<rss>hello</rss>');
    expect(Object.getPrototypeOf(body)).toBe(Uint8Array.prototype);
    expect(body.byteOffset).toBe(0);
    expect(body.buffer.byteLength).toBe(body.length);
  });

  it('returns a body exactly at the cap', async () => {
    const body = await readBody(Readable.from([Buffer.alloc(1000, 'x')]), undefined, 1000);

    expect(body).toHaveLength(1000);
    expect(body).toBeInstanceOf(Uint8Array);
  });

  it('reports a truncated compressed body as DECOMPRESSION', async () => {
    const truncated = zlib.gzipSync(Buffer.from('<rss>hello</rss>')).subarray(0, 12);

    const error = await fetchFailure(readBody(Readable.from([truncated]), 'gzip', 1000));

    expect(error.code).toBe('DECOMPRESSION');
  });

  it.each([undefined, 'gzip'])(
    'reports a source failure as NETWORK, with or without a decoder (encoding %s)',
    async (encoding) => {
      const source = new Readable({
        read() {
          this.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        },
      });

      const error = await fetchFailure(readBody(source, encoding, 1000));

      expect(error.code).toBe('NETWORK');
      expect(error.message).toContain('ECONNRESET');
    },
  );
});

describe('contentCodings', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['identity', []],
    ['GZIP', ['gzip']],
    ['gzip, br', ['gzip', 'br']],
  ])('reads %j as %j', (header, codings) => {
    expect(contentCodings(header)).toEqual(codings);
  });

  it.each(['zstd', 'compress', 'gzip, gzip, gzip'])('refuses %j', (header) => {
    expect(() => contentCodings(header)).toThrow(FetchError);
  });
});
