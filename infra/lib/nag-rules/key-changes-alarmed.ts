import { type CfnResource, Stack } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';

const ALARMED = ['DisableKey', 'PutKeyPolicy', 'ScheduleKeyDeletion'];

/** An EventBridge rule of the app that sends KMS PutKeyPolicy, DisableKey and ScheduleKeyDeletion somewhere. */
function isKeyChangeAlarm(rule: CfnRule): boolean {
  const stack = Stack.of(rule);
  const pattern = stack.resolve(rule.eventPattern) as
    | { source?: string[]; detail?: { eventName?: string[] } }
    | undefined;
  const targets = stack.resolve(rule.targets) as unknown[] | undefined;
  return (
    (pattern?.source ?? []).includes('aws.kms') &&
    ALARMED.every((name) => (pattern?.detail?.eventName ?? []).includes(name)) &&
    Array.isArray(targets) &&
    targets.length > 0 &&
    stack.resolve(rule.state) !== 'DISABLED'
  );
}

/**
 * Key-policy changes, disabling and deletion scheduling are alarmed: wherever the app defines a KMS key, some stack
 * of the app has an enabled EventBridge rule, with a target, matching CloudTrail's `PutKeyPolicy`, `DisableKey` and
 * `ScheduleKeyDeletion` events from KMS (issue 16 capability 5). The rule covers every key of the account, runtime
 * organisation keys included.
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
    const alarmed = node.node.root.node
      .findAll()
      .some((construct) => construct instanceof CfnRule && isKeyChangeAlarm(construct));
    return alarmed ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'KeyChangesAlarmed' },
);
