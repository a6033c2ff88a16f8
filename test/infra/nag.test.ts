import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app';
import { synthStage } from './synth';

/** Every acknowledged rule in the tree, with its reason. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it.each(['dev', 'prod'] as const)('finds nothing unacknowledged in the %s stage', (stage) => {
    // Prepare
    const { stack } = synthStage(stage);

    // Act
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

    // Assess
    expect(
      report.violations.map(
        (violation) =>
          `${violation.severity} ${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('stops the synth when a finding is not acknowledged', () => {
    // Prepare
    const { app, stack } = createApp({
      context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] },
      env: {},
    });
    new Queue(stack, 'UnguardedQueue');

    // Act / Assess
    expect(() => app.synth()).toThrow(/UnguardedQueue/);
  });

  it('explains every acknowledgement in words', () => {
    // Prepare
    const { stack } = synthStage('prod');

    // Act
    const acknowledged = acknowledgements(stack);

    // Assess
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledged) {
      expect(id, path).toMatch(/AwsSolutions-/);
      expect(reason.split(/\s+/).length, `${path} ${id}`).toBeGreaterThanOrEqual(8);
    }
  });

  it('acknowledges nothing that would hide a wildcard action', () => {
    // Prepare
    const { stack } = synthStage('prod');

    // Act
    const acknowledged = acknowledgements(stack).map((entry) => entry.id);

    // Assess
    expect(acknowledged.filter((id) => id.includes('[Action::'))).toEqual([]);
  });
});
