import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSubscriberRepository } from '../../../lambdas/adapters/dynamodb/subscriber.repository';
import { keys } from '../../../lambdas/adapters/dynamodb/table';
import type { FanOutEntry, SubscriberRepository } from '../../../lambdas/use-cases/ports';
import { buildSubscriber } from '../../helpers/factories';
import { freshTable } from '../../helpers/table';

async function collect(pages: AsyncIterable<FanOutEntry[]>): Promise<FanOutEntry[]> {
  const all: FanOutEntry[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

/**
 * A client whose eventually consistent reads of one key still return an earlier copy of the item,
 * as a DynamoDB replica can for a moment after a write; consistent reads see the latest.
 */
function laggingReads(
  db: DynamoDBDocumentClient,
  staleItem: Record<string, unknown>,
): DynamoDBDocumentClient {
  const lagging = Object.create(db) as DynamoDBDocumentClient;
  lagging.send = (async (command: unknown) => {
    if (
      command instanceof GetCommand &&
      command.input.ConsistentRead !== true &&
      command.input.Key?.pk === staleItem.pk &&
      command.input.Key?.sk === staleItem.sk
    ) {
      return { Item: staleItem };
    }
    return db.send(command as never);
  }) as DynamoDBDocumentClient['send'];
  return lagging;
}

describe('subscriber repository', () => {
  let subscribers: SubscriberRepository;
  let db: DynamoDBDocumentClient;
  let tableName: string;
  beforeAll(async () => {
    ({ db, tableName } = await freshTable());
    subscribers = createSubscriberRepository(db, tableName);
  });

  it('leaves no fan-out entry behind for a topic dropped a moment before the next change', async () => {
    // Prepare
    const reader = buildSubscriber({ topics: ['peace-process'] });
    await subscribers.create(reader);
    const { Item: firstCopy = {} } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.subscriber(reader.id) }),
    );
    await subscribers.save({ ...reader, topics: ['border-security'] });
    const lagging = createSubscriberRepository(laggingReads(db, firstCopy), tableName);

    // Act
    await lagging.save({ ...reader, topics: ['transport-corridors'] });

    // Assess
    const ids = async (topic: string) =>
      (await collect(subscribers.fanOut(topic))).map((entry) => entry.subscriberId);
    expect(await ids('border-security')).not.toContain(reader.id);
    expect(await ids('peace-process')).not.toContain(reader.id);
    expect(await ids('transport-corridors')).toContain(reader.id);
  });

  it('claims an address once, whatever its case', async () => {
    // Prepare
    const first = buildSubscriber({ email: 'Reader@Mail.example' });

    // Act
    const created = await subscribers.create(first);
    const again = await subscribers.create(buildSubscriber({ email: 'reader@mail.example' }));

    // Assess
    expect(created).toBe(true);
    expect(again).toBe(false);
    expect((await subscribers.findByEmail('READER@mail.example'))?.id).toBe(first.id);
  });

  it('keeps the fan-out index in line with topics, cadence, languages and status', async () => {
    // Prepare
    const reader = buildSubscriber({
      topics: ['peace-process', 'arms-military'],
      languages: ['en', 'ru'],
      cadence: 'daily',
    });
    await subscribers.create(reader);

    // Act
    const before = await collect(subscribers.fanOut('arms-military'));
    await subscribers.save({ ...reader, topics: ['peace-process'] });
    const afterTopicChange = await collect(subscribers.fanOut('arms-military'));
    await subscribers.save({ ...reader, topics: ['peace-process'], status: 'unsubscribed' });
    const afterUnsubscribe = await collect(subscribers.fanOut('peace-process'));

    // Assess
    expect(before).toContainEqual({
      subscriberId: reader.id,
      cadence: 'daily',
      languages: ['en', 'ru'],
    });
    expect(afterTopicChange.map((entry) => entry.subscriberId)).not.toContain(reader.id);
    expect(afterUnsubscribe.map((entry) => entry.subscriberId)).not.toContain(reader.id);
  });

  it('never lists a pending or paused subscriber for a topic', async () => {
    // Prepare
    const pending = buildSubscriber({ status: 'pending', topics: ['energy-climate'] });
    const paused = buildSubscriber({ paused: true, topics: ['energy-climate'] });
    const active = buildSubscriber({ topics: ['energy-climate'] });
    for (const subscriber of [pending, paused, active]) await subscribers.create(subscriber);

    // Act
    const entries = await collect(subscribers.fanOut('energy-climate'));

    // Assess
    expect(entries.map((entry) => entry.subscriberId)).toEqual([active.id]);
  });

  it('finds digest subscribers whose digest time has come', async () => {
    // Prepare
    const due = buildSubscriber({ cadence: 'daily', nextDigestAt: '2026-11-26T04:00:00.000Z' });
    const later = buildSubscriber({ cadence: 'daily', nextDigestAt: '2026-11-27T04:00:00.000Z' });
    await subscribers.create(due);
    await subscribers.create(later);

    // Act
    const found = await subscribers.digestsDue(new Date('2026-11-26T05:00:00Z'));

    // Assess
    expect(found.map((subscriber) => subscriber.id)).toContain(due.id);
    expect(found.map((subscriber) => subscriber.id)).not.toContain(later.id);
  });

  it('erases a suppressed subscriber but still refuses the address afterwards', async () => {
    // Prepare
    const bounced = buildSubscriber({ email: 'gone@mail.example' });
    await subscribers.create(bounced);
    await subscribers.save({
      ...bounced,
      status: 'suppressed',
      suppressedReason: 'permanent bounce',
    });

    // Act
    await subscribers.erase(bounced.id, { keepSuppression: true });

    // Assess
    expect(await subscribers.get(bounced.id)).toBeUndefined();
    expect(await subscribers.findByEmail('gone@mail.example')).toBeUndefined();
    expect(await subscribers.isSuppressed('gone@mail.example')).toBe(true);
  });
});
