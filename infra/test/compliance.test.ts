import { Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { applyCompliancePacks, compliancePacks } from '../lib/compliance';
import type { StageName } from '../lib/stage-config';
import { buildStage } from './synth-stage';

/** Every acknowledgement recorded in an app: rule id, reason and where. */
function acknowledgements(stage: StageName): { id: string; reason: string; path: string }[] {
  const { app } = buildStage(stage);
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id,
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

describe('compliance as code (cdk-nag AwsSolutions and HIPAA Security)', () => {
  for (const stage of ['prod', 'dev'] as const) {
    it(`leaves no unacknowledged finding, error or warning, in ${stage}`, () => {
      const { app } = buildStage(stage);
      for (const pack of compliancePacks(app)) {
        const { violations } = pack.validateScope(app);
        expect(
          violations.map(
            (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`,
          ),
          pack.readPackName,
        ).toEqual([]);
      }
    });
  }

  it('gives every acknowledgement a specific written reason', () => {
    const acks = acknowledgements('prod');
    expect(acks.length).toBeGreaterThanOrEqual(15);
    for (const { id, reason, path } of acks) {
      expect(reason.trim().length, `${id} at ${path}`).toBeGreaterThanOrEqual(60);
      expect(reason, `${id} at ${path}`).not.toMatch(/\b(todo|tbd|not needed|n\/a)\b/i);
    }
    // Reasons are written for their case, not pasted: one reason text per rule and place.
    const byReason = new Map<string, Set<string>>();
    for (const { id, reason } of acks) byReason.set(reason, (byReason.get(reason) ?? new Set()).add(id));
    for (const [reason, ids] of byReason) expect(ids.size, reason).toBe(1);
  });

  it('fails synthesis of the app on an unacknowledged error, so the packs really run at synth', () => {
    const { app, stacks } = buildStage('prod');
    applyCompliancePacks(app);
    new Queue(stacks.api, 'UnencryptedQueueWithoutTls', { enforceSSL: false });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    // A whole-app synthesis with both packs: tens of seconds on a busy machine.
  });

  it('synthesises the prod app with the packs applied', () => {
    const { app } = buildStage('prod');
    applyCompliancePacks(app);
    expect(() => app.synth()).not.toThrow();
    expect(Stack.of(app.node.findChild('ConfideApi-prod')).stackName).toBe('confide-prod-api');
  });
});
