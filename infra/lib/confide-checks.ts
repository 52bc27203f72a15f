import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import keyChangesAlarmed from './nag-rules/key-changes-alarmed';
import keyPolicyChangedByBreakGlassOnly from './nag-rules/key-policy-changed-by-break-glass-only';
import keyTableDeniesRecovery from './nag-rules/key-table-denies-recovery';
import keyTableShortRecovery from './nag-rules/key-table-short-recovery';
import logsKeyGrantScoped from './nag-rules/logs-key-grant-scoped';

/**
 * Confide's own cdk-nag rules (one per file in `nag-rules/`, each tested with a compliant and a non-compliant stack in
 * infra/test/confide-checks.test.ts): the key governance of issue 16 capability 5 and issue 17 item 6
 * (docs/decisions/0029). Findings are errors, acknowledged like any other pack's.
 */
export class ConfideChecks extends NagPack {
  readonly name = 'Confide';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'Confide';
  }

  protected checkResource(node: CfnResource): void {
    const rules = [
      {
        id: 'KMS1',
        rule: keyPolicyChangedByBreakGlassOnly,
        info: 'The KMS key policy lets a principal other than the break-glass role change it.',
        explanation:
          'Only the named break-glass role (MFA, alarmed) may PutKeyPolicy once a key exists; account IAM, function ' +
          'roles and services must not, or whoever holds them can grant themselves the key.',
      },
      {
        id: 'KMS2',
        rule: keyChangesAlarmed,
        info: 'The app defines a KMS key but no EventBridge rule alarms on PutKeyPolicy, DisableKey and ScheduleKeyDeletion.',
        explanation:
          'Changing who may use a key, disabling it or scheduling its deletion must reach the alarm topic (CloudTrail ' +
          'events via EventBridge), for CDK keys and runtime organisation keys alike.',
      },
      {
        id: 'KMS3',
        rule: logsKeyGrantScoped,
        info: "The key's CloudWatch Logs grant does not name the account and this stage's log groups.",
        explanation:
          'The logs service principal must be bound by aws:SourceAccount and by kms:EncryptionContext:aws:logs:arn to ' +
          "this stage's log groups, not to every log group (confused deputy).",
      },
      {
        id: 'DDB1',
        rule: keyTableShortRecovery,
        info: 'The key table does not keep point-in-time recovery for 1 to 7 days.',
        explanation:
          'A restore brings back every subject key erased since its restore point, undoing crypto-shredding: the ' +
          'window must be short, but on.',
      },
      {
        id: 'DDB2',
        rule: keyTableDeniesRecovery,
        info: 'The key table does not deny restore, export and backup to all but the break-glass role.',
        explanation:
          'A backup, export or restore copies erased subject keys out of reach of erasure; only break-glass may make one.',
      },
    ];
    for (const { id, rule, info, explanation } of rules) {
      this.applyRule({ ruleSuffixOverride: id, info, explanation, level: NagMessageLevel.ERROR, rule, node });
    }
  }
}
