import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadStageConfig,
  parseStageConfig,
  StageConfigError,
  stackEnvironment,
} from '../../infra/stage-config';
import { PROD_LIKE_RAW } from './synth';

describe('stage config', () => {
  it('loads the committed dev stage, filling in the defaults', () => {
    // Act
    const config = loadStageConfig('dev');

    // Assess
    expect(config.stage).toBe('dev');
    expect(config.schedules).toEqual({ pollEveryMinutes: 5, digestEveryMinutes: 60 });
    expect(config.retainData).toBe(false);
    expect(config.email.mailFromSubdomain).toBe('bounce');
  });

  it('accepts the prod example operators copy from', () => {
    // Prepare
    const example = JSON.parse(
      readFileSync(new URL('../../infra/stages/prod.example.json', import.meta.url), 'utf8'),
    );

    // Act
    const config = parseStageConfig('prod', example);

    // Assess
    expect(config.retainData).toBe(true);
    expect(config.adminPrincipals).toHaveLength(1);
  });

  it('names every bad field in one error', () => {
    // Prepare
    const raw = {
      ...PROD_LIKE_RAW,
      email: { ...PROD_LIKE_RAW.email, senderAddress: 'news@elsewhere.example.com' },
      adminPrincipals: ['editors'],
      logRetentionDays: 10,
    };

    // Act
    const attempt = () => parseStageConfig('prod', raw);

    // Assess
    expect(attempt).toThrow(StageConfigError);
    expect(attempt).toThrow(/email\.senderAddress: must be an address on alerts\.example\.org/);
    expect(attempt).toThrow(/adminPrincipals\.0: an IAM user, role or account-root ARN/);
    expect(attempt).toThrow(/logRetentionDays: one of 1, 3, 5/);
  });

  it('refuses an unknown field rather than ignoring a typo', () => {
    // Act / Assess
    expect(() => parseStageConfig('prod', { ...PROD_LIKE_RAW, alarmEmails: ['x@y.org'] })).toThrow(
      /alarmEmails/,
    );
  });

  it('says which file to create when a stage has no config', () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'stages-'));

    // Act / Assess
    expect(() => loadStageConfig('staging', directory)).toThrow(
      /no config for stage "staging": create .*staging\.json/,
    );
  });

  it('reports a config file that is not JSON, by name', () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'stages-'));
    writeFileSync(join(directory, 'qa.json'), '{ "email": ');

    // Act / Assess
    expect(() => loadStageConfig('qa', directory)).toThrow(/qa\.json is not valid JSON/);
  });

  it('takes account and region from the credentials unless the stage pins them', () => {
    // Prepare
    const dev = loadStageConfig('dev');
    const prod = parseStageConfig('prod', PROD_LIKE_RAW);
    const credentials = { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'us-east-1' };

    // Act / Assess
    expect(stackEnvironment(dev, {})).toEqual({});
    expect(stackEnvironment(dev, credentials)).toEqual({
      account: '111111111111',
      region: 'us-east-1',
    });
    expect(stackEnvironment(prod, credentials)).toEqual({
      account: '111111111111',
      region: 'eu-central-1',
    });
  });

  it('refuses to synthesize a pinned stage with credentials for another account', () => {
    // Prepare
    const prod = parseStageConfig('prod', PROD_LIKE_RAW);

    // Act / Assess
    expect(() => stackEnvironment(prod, { CDK_DEFAULT_ACCOUNT: '999999999999' })).toThrow(
      /pinned to account 111111111111 but your credentials are for 999999999999/,
    );
  });
});
