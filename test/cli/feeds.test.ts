import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFeedRepository } from '../../lambdas/adapters/dynamodb/feed.repository';
import { type CliContext, run } from '../../lambdas/cli/commands/feeds';
import type { CliIo } from '../../lambdas/cli/io';
import { nextFeedState } from '../../lambdas/domain/feeds/feed-state';
import { type FeedServer, startFeedServer } from '../../lambdas/local/feed-server';
import type { FeedRepository } from '../../lambdas/use-cases/ports';
import { buildFeed } from '../helpers/factories';
import { freshTable } from '../helpers/table';

function io(input: string[] = []): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdin: Readable.from(input),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const now = new Date('2026-11-26T12:00:00.000Z');
const LEDGER = readFileSync('test/fixtures/feeds/sample/caucasus-ledger-en.rss.xml');
const MONITOR = readFileSync('test/fixtures/feeds/sample/south-caucasus-monitor-en.atom.xml');

describe('newsalert feeds', () => {
  let server: FeedServer;
  let feeds: FeedRepository;
  let context: CliContext;

  beforeAll(async () => {
    server = await startFeedServer();
    server.put('ledger.xml', { body: LEDGER });
    server.put('monitor.xml', { body: MONITOR });
    const { db, tableName } = await freshTable();
    feeds = createFeedRepository(db, tableName);
    context = {
      clock: () => now,
      env: { DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: tableName, USER: 'anna' },
    };
    // A feed that last worked two days ago and has failed every poll since.
    let failing = buildFeed(
      { id: 'vestnik', outlet: 'Kavkaz Vestnik', url: server.urlOf('vestnik.xml') },
      new Date('2026-11-20T00:00:00Z'),
    );
    failing = nextFeedState(
      failing,
      { kind: 'ok', items: 8, newItems: 8 },
      new Date('2026-11-24T10:00:00Z'),
      () => 0.5,
    );
    failing = nextFeedState(
      failing,
      { kind: 'error', reason: 'HTTP 503' },
      new Date('2026-11-25T10:00:00Z'),
      () => 0.5,
    );
    failing = nextFeedState(
      failing,
      { kind: 'error', reason: 'fetch: connect timed out after 10000 ms' },
      new Date('2026-11-26T11:50:00Z'),
      () => 0.5,
    );
    await feeds.add(failing);
    await feeds.add(
      buildFeed({ id: 'ledger', outlet: 'Caucasus Ledger', url: server.urlOf('ledger.xml') }, now),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists feeds with health, and the last error and next retry of a failing feed', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(['list'], cli, context);

    // Assess
    expect(code).toBe(0);
    const out = cli.out();
    expect(out).toMatch(
      /^status\s+outlet\s+last success\s+errors\s+304s\s+items\/day\s+next poll\s+id$/m,
    );
    expect(out).toMatch(/^FAILING >24h\s+Kavkaz Vestnik\s+2 d ago\s+2\s/m);
    expect(out).toContain('last error 10 min ago: fetch: connect timed out after 10000 ms');
    expect(out).toContain('next retry 2026-11-26 12:10 UTC (in 10 min)');
    expect(cli.err()).toContain('2 feeds, 1 failing for over 24 h');
  });

  it('shows what a new feed serves with --dry-run and saves nothing', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(
      ['add', server.urlOf('monitor.xml'), '--dry-run', '--allow-private-networks'],
      cli,
      context,
    );

    // Assess
    expect(code).toBe(0);
    expect(cli.out()).toContain('a readable feed: "South Caucasus Monitor"');
    expect(cli.out()).toContain('EU monitors report another month without ceasefire breaches');
    expect(cli.out()).toContain('Dry run: nothing saved.');
    expect((await feeds.list()).map((feed) => feed.id).sort()).toEqual(['ledger', 'vestnik']);
  });

  it('asks before adding: no answer adds nothing, "y" adds the feed', async () => {
    // Prepare
    const silent = io([]);
    const yes = io(['y\n']);
    const url = server.urlOf('monitor.xml');

    // Act
    const declined = await run(['add', url, '--allow-private-networks'], silent, context);
    const accepted = await run(
      ['add', url, '--allow-private-networks', '--outlet', 'SC Monitor'],
      yes,
      context,
    );

    // Assess
    expect(declined).toBe(1);
    expect(silent.err()).toContain('Add this feed? [y/N]');
    expect(silent.out()).toContain('Not added. Run again with --yes');
    expect(accepted).toBe(0);
    expect(yes.out()).toMatch(/Added SC Monitor \([0-9a-f]{16}\); it is polled in the next cycle/);
    expect(
      (await feeds.list()).some((feed) => feed.url === url && feed.outlet === 'SC Monitor'),
    ).toBe(true);
  });

  it('refuses a feed already in the list, and a loopback feed without --allow-private-networks', async () => {
    // Prepare
    const duplicate = io();
    const loopback = io();

    // Act
    const duplicateCode = await run(
      ['add', server.urlOf('ledger.xml'), '--yes', '--allow-private-networks'],
      duplicate,
      context,
    );
    const loopbackCode = await run(['add', server.urlOf('other.xml'), '--yes'], loopback, context);

    // Assess
    expect(duplicateCode).toBe(1);
    expect(duplicate.err()).toContain(
      'this feed is already in the list as "Caucasus Ledger" (id ledger)',
    );
    expect(loopbackCode).toBe(1);
    expect(loopback.err()).toContain('use --allow-private-networks for local feeds');
  });

  it('checks feeds now with progress, and exits 1 when one failed', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(
      ['check', 'ledger', 'vestnik', '--allow-private-networks'],
      cli,
      context,
    );

    // Assess
    expect(code).toBe(1);
    expect(cli.err()).toContain('checked 1 / 2 feeds');
    expect(cli.err()).toContain('checked 2 / 2 feeds');
    expect(cli.out()).toContain('✓ Caucasus Ledger');
    expect(cli.out()).toMatch(/✗ Kavkaz Vestnik — .*\n {2}HTTP 404/);
    expect(cli.err()).toContain('2 feeds checked, 1 failed');
  });

  it('disables a feed only with a reason, then enables it again', async () => {
    // Prepare
    const noReason = io();
    const disable = io();
    const enable = io();

    // Act
    const noReasonCode = await run(['disable', 'vestnik'], noReason, context);
    const disableCode = await run(
      ['disable', 'vestnik', '--reason', 'site redesign, new URL soon'],
      disable,
      context,
    );
    const listed = io();
    await run(['list'], listed, context);
    const enableCode = await run(['enable', 'vestnik'], enable, context);

    // Assess
    expect(noReasonCode).toBe(2);
    expect(noReason.err()).toContain('say why the feed is disabled (--reason)');
    expect(disableCode).toBe(0);
    expect(disable.out()).toContain(
      'Kavkaz Vestnik disabled: site redesign, new URL soon (anna, 2026-11-26)',
    );
    expect(listed.out()).toContain('disabled: site redesign, new URL soon (anna, 2026-11-26)');
    expect(enableCode).toBe(0);
    expect(enable.out()).toContain('Kavkaz Vestnik enabled; it is polled in the next cycle');
  });

  it('removes a feed only with --yes', async () => {
    // Prepare
    const unsure = io();
    const sure = io();

    // Act
    const unsureCode = await run(['remove', 'ledger'], unsure, context);
    const sureCode = await run(['remove', 'ledger', '--yes'], sure, context);

    // Assess
    expect(unsureCode).toBe(2);
    expect(unsure.err()).toContain('run again with --yes');
    expect(sureCode).toBe(0);
    expect(sure.out()).toContain('removed Caucasus Ledger (ledger');
    expect(await feeds.get('ledger')).toBeUndefined();
  });
});
