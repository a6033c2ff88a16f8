import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dynamoTarget, openCliStore, storeProblem, takeStoreFlags } from '../../lambdas/cli/store';

describe('the CLI store', () => {
  it('targets the deployed stage table with --stage, and the local one by default', () => {
    // Act
    const stage = dynamoTarget({}, { stage: 'prod' });
    const local = dynamoTarget({});
    const custom = dynamoTarget({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8001', TABLE_NAME: 'demo' });

    // Assess
    expect(stage).toMatchObject({ tableName: 'news-alerts-prod' });
    expect(stage.describe).toBe('table news-alerts-prod in AWS (stage prod)');
    expect(stage.endpoint).toBeUndefined();
    expect(local).toMatchObject({ tableName: 'news-alerts', endpoint: 'http://127.0.0.1:8000' });
    expect(custom.describe).toBe('table demo at http://127.0.0.1:8001');
  });

  it('refuses a stage name that is not one', () => {
    // Act
    const attempt = () => dynamoTarget({}, { stage: 'Prod Stage' });

    // Assess
    expect(attempt).toThrow('--stage must be a stage name such as dev or prod');
  });

  it('takes --stage and --data-dir out of a command line and leaves the rest', () => {
    // Act
    const taken = takeStoreFlags(['list', '--stage', 'dev', '--json', '--data-dir=.local/demo']);
    const missing = takeStoreFlags(['list', '--stage']);

    // Assess
    expect(taken).toEqual({ rest: ['list', '--json'], stage: 'dev', dataDir: '.local/demo' });
    expect(missing.problem).toBe('--stage needs a value');
  });

  it('says to start npm start when nothing answers and there is no local data', async () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'no-store-'));

    // Act
    const attempt = openCliStore({}, { dataDir: empty, localStoreAnswers: async () => false });

    // Assess
    await expect(attempt).rejects.toThrow(
      /nothing answers on http:\/\/127\.0\.0\.1:8000 and there is no local data/,
    );
    const error = await attempt.catch((caught: unknown) => caught);
    expect(storeProblem(error, 'the store')).toContain('npm start -- --demo');
  });

  it('starts DynamoDB Local on a stopped npm start folder for the length of the command', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'stopped-'));
    mkdirSync(join(dataDir, 'dynamodb'));
    const said: string[] = [];

    // Act
    const store = await openCliStore(
      {},
      { dataDir, localStoreAnswers: async () => false },
      (line) => said.push(line),
    );
    const error = await store.topics.list().catch((caught: unknown) => caught);
    await store.close();

    // Assess
    expect(said.join('')).toContain(`starting DynamoDB Local on ${join(dataDir, 'dynamodb')}`);
    expect(store.where).toBe('local');
    // The folder held no table: the store answered, and said so.
    expect(storeProblem(error, store.describe)).toContain('the table does not exist');
  });
});
