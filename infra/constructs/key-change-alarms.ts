import { Rule } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The KMS calls that change who may use a key, or end its use, and so always raise an alarm. */
export const ALARMED_KEY_EVENTS = ['DisableKey', 'PutKeyPolicy', 'ScheduleKeyDeletion'] as const;

/** Properties of {@link KeyChangeAlarms}. */
export interface KeyChangeAlarmsProps {
  readonly stage: string;
  /** The alarm topic (encrypted: its key must let EventBridge use it, see `OperationsKey`). */
  readonly topic: ITopic;
}

/**
 * Key governance (issue 16 capability 5; docs/decisions/0029): every `PutKeyPolicy`, `DisableKey` and
 * `ScheduleKeyDeletion` on any KMS key of the account and region — organisation keys, created at runtime, included —
 * reaches the alarm topic within seconds, as CloudTrail delivers it to EventBridge. Offboarding schedules key deletion
 * too: each such notification should match an approved offboarding; anything else is an incident. Needs a CloudTrail
 * trail recording management events in the account (see infra/README.md).
 */
export class KeyChangeAlarms extends Construct {
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: KeyChangeAlarmsProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: `Confide ${props.stage}: KMS key policy changes, disabling and deletion scheduling`,
      eventPattern: {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['kms.amazonaws.com'], eventName: [...ALARMED_KEY_EVENTS] },
      },
      // SnsTopic also grants events.amazonaws.com the topic key's data keys without a condition. Keep that grant: the
      // SNS developer guide says aws:SourceAccount and aws:SourceArn are not supported in a KMS key policy for
      // EventBridge publishing to an encrypted topic, so a conditioned grant alone would drop these alarms silently.
      targets: [new SnsTopic(props.topic)],
    });
  }
}
