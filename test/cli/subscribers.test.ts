import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSubscriberRepository } from '../../lambdas/adapters/dynamodb/subscriber.repository';
import { maskEmail, run } from '../../lambdas/cli/commands/subscribers';
import type { CliIo } from '../../lambdas/cli/io';
import { main } from '../../lambdas/cli/main';
import type { SubscriberRepository } from '../../lambdas/use-cases/ports';
import { buildSubscriber } from '../helpers/factories';
import { freshTable } from '../helpers/table';

function io(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdin: process.stdin,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('newsalert subscribers', () => {
  let subscribers: SubscriberRepository;
  const saved = { endpoint: process.env.DYNAMODB_ENDPOINT, table: process.env.TABLE_NAME };
  const ruben = buildSubscriber({
    email: 'ruben@mail.example',
    createdAt: '2026-11-01T00:00:00.000Z',
  });
  const leyla = buildSubscriber({
    email: 'leyla@mail.example',
    status: 'suppressed',
    suppressedReason: 'complaint (abuse)',
    createdAt: '2026-11-02T00:00:00.000Z',
  });

  beforeAll(async () => {
    const { db, tableName } = await freshTable();
    subscribers = createSubscriberRepository(db, tableName);
    await subscribers.create(ruben);
    await subscribers.create(leyla);
    await subscribers.save(leyla);
    // The command reads its store from the environment, as an operator's shell would set it.
    process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
    process.env.TABLE_NAME = tableName;
  });
  afterAll(() => {
    process.env.DYNAMODB_ENDPOINT = saved.endpoint;
    process.env.TABLE_NAME = saved.table;
    if (saved.endpoint === undefined) delete process.env.DYNAMODB_ENDPOINT;
    if (saved.table === undefined) delete process.env.TABLE_NAME;
  });

  it('lists subscribers with masked addresses and their suppression reason', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await main(['subscribers', 'list'], cli);

    // Assess
    expect(code).toBe(0);
    expect(cli.out()).toContain('r***@mail.example');
    expect(cli.out()).toContain('suppressed (complaint (abuse))');
    expect(cli.out()).not.toContain('ruben@');
    expect(cli.err()).toContain('2 subscriber(s)');
  });

  it('prints JSON Lines with --json, and full addresses only with --show-emails', async () => {
    // Prepare
    const masked = io();
    const full = io();

    // Act
    await run(['list', '--json', '--status', 'active'], masked);
    await run(['list', '--json', '--show-emails'], full);

    // Assess
    const maskedRows = masked
      .out()
      .trim()
      .split('\n')
      .map((row) => JSON.parse(row));
    expect(maskedRows).toEqual([
      expect.objectContaining({ id: ruben.id, email: 'r***@mail.example' }),
    ]);
    expect(full.out()).toContain('"email":"ruben@mail.example"');
    expect(full.out()).toContain('"email":"leyla@mail.example"');
  });

  it('shows one subscriber by address and exports everything stored about them', async () => {
    // Prepare
    const shown = io();
    const exported = io();

    // Act
    const showCode = await run(['show', 'ruben@mail.example'], shown);
    const exportCode = await run(['export', ruben.id], exported);

    // Assess
    expect(showCode).toBe(0);
    expect(shown.out()).toMatch(/status\s+active/);
    expect(shown.out()).toMatch(/email\s+r\*\*\*@mail\.example/);
    expect(exportCode).toBe(0);
    expect(JSON.parse(exported.out()).subscriber).toMatchObject({
      id: ruben.id,
      email: 'ruben@mail.example',
    });
  });

  it('asks for --yes, then erases, keeping only what honours a suppression', async () => {
    // Prepare
    const withoutYes = io();
    const erasing = io();
    const erasingActive = io();

    // Act
    const refused = await run(['delete', leyla.id], withoutYes);
    const erased = await run(['delete', leyla.id, '--yes'], erasing);
    const erasedActive = await run(['delete', 'ruben@mail.example', '--yes'], erasingActive);

    // Assess
    expect(refused).toBe(2);
    expect(withoutYes.err()).toContain('--yes');
    expect(erased).toBe(0);
    expect(erasing.out()).toContain('kept only the address hash');
    expect(await subscribers.get(leyla.id)).toBeUndefined();
    expect(await subscribers.isSuppressed('leyla@mail.example')).toBe(true);
    expect(erasedActive).toBe(0);
    expect(await subscribers.findByEmail('ruben@mail.example')).toBeUndefined();
    expect(await subscribers.isSuppressed('ruben@mail.example')).toBe(false);
  });

  it('says what is wrong with a bad option or an unknown subscriber', async () => {
    // Prepare
    const badStatus = io();
    const unknown = io();

    // Act
    const badCode = await run(['list', '--status', 'happy'], badStatus);
    const unknownCode = await run(['show', 'nobody@mail.example'], unknown);

    // Assess
    expect(badCode).toBe(2);
    expect(badStatus.err()).toContain(
      '--status must be one of pending, active, unsubscribed, suppressed',
    );
    expect(unknownCode).toBe(1);
    expect(unknown.err()).toContain('no subscriber with that address');
    expect(unknown.err()).not.toContain('nobody@');
  });

  it('says where it looked when the store does not answer', async () => {
    // Prepare
    const cli = io();
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';

    // Act
    const code = await run(['list'], cli);
    process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');

    // Assess
    expect(code).toBe(1);
    expect(cli.err()).toContain('at http://127.0.0.1:9: nothing answers there');
  });

  it('purges addresses that never confirmed, and only those', async () => {
    // Prepare
    const stale = buildSubscriber({
      email: 'stale@mail.example',
      status: 'pending',
      createdAt: '2020-01-01T00:00:00.000Z',
    });
    const fresh = buildSubscriber({
      email: 'fresh@mail.example',
      status: 'pending',
      createdAt: new Date().toISOString(),
    });
    const active = buildSubscriber({
      email: 'old-active@mail.example',
      createdAt: '2020-01-01T00:00:00.000Z',
    });
    for (const subscriber of [stale, fresh, active]) await subscribers.create(subscriber);
    const cli = io();

    // Act
    const code = await run(['purge-pending', '--older-than-days', '7', '--yes'], cli);

    // Assess
    expect(code).toBe(0);
    expect(cli.out()).toContain('erased 1 unconfirmed subscriber(s)');
    expect(await subscribers.findByEmail('stale@mail.example')).toBeUndefined();
    expect(await subscribers.get(fresh.id)).toBeDefined();
    expect(await subscribers.get(active.id)).toBeDefined();
  });

  it('masks an address down to its first character and domain', () => {
    // Assess
    expect(maskEmail('ruben@mail.example')).toBe('r***@mail.example');
    expect(maskEmail('not-an-address')).toBe('***');
  });
});
