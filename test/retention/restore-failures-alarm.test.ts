import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confideMetrics, setMetricWriter } from '../../packages/api/src/metrics';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { carriesAudit, failingDynamoClient, type WriteCall } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';
import { clientWithRecords, closeCase, readClient, retentionApi, retentionWorld } from './retention-support';

/**
 * A reopening or a re-employment that fails puts the retention schedule back as it was (the person's records would
 * otherwise be kept for ever). When that restore fails too, nothing can put it right within the request: the
 * operators must hear of it. It used to be swallowed, with no log line and no metric; it is now counted
 * (`RetentionRestoreFailures`, the `retention-restore-failed` alarm) with ids and kinds only.
 */

interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
  readonly [key: string]: unknown;
}

/** Fails the write `first` picks, and after it every write that carries no audit: the restore meets the same fault. */
function faultFrom(first: (call: WriteCall) => boolean) {
  let failing = false;
  return (call: WriteCall) => {
    if (!failing && first(call)) failing = true;
    return failing && !carriesAudit(call);
  };
}

describe('a restore after a failed reopening or re-employment that fails too', () => {
  const { api, clock } = retentionApi();
  let lines: string[];
  let restore: () => void;
  beforeEach(() => {
    lines = [];
    restore = setMetricWriter((line) => lines.push(line));
  });
  afterEach(() => restore());
  const published = () =>
    lines
      .map((line) => JSON.parse(line) as EmfLine)
      .filter((line) =>
        line._aws.CloudWatchMetrics.some((d) =>
          d.Metrics.some((m) => m.Name === confideMetrics.retentionRestoreFailures.name),
        ),
      );

  it('a reopening: the fault is answered, and the restore’s failure is counted with ids and kinds only', async () => {
    // Prepare: a closed case, and an API whose DynamoDB client fails the opening write and every write after it.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    const failing = failingDynamoClient(
      api,
      faultFrom((call) => JSON.stringify(call.input).includes('{"S":"OPEN"}')),
    );
    const version = (await readClient(api, world.manager.token, id)).data?.serviceUser.version;

    // Act
    const failed = await testApi({ clock, tables: api.stack.tables, dynamo: failing.client }).graphql(
      'mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { caseStatus } }',
      { token: world.manager.token, variables: { input: { serviceUserId: id, expectedVersion: version } } },
    );

    // Assess
    expect(failing.failures()).toBeGreaterThan(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    const emitted = published();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      level: 'ERROR',
      message: 'retention.restore-failed',
      orgId: world.org.orgId,
      subjectId: clientId,
      restore: 'REOPENING',
      error: 'Error',
    });
    expect(JSON.stringify(emitted[0])).not.toContain('Injected failure');
  });

  it('a re-employment: the fault is answered, and the restore’s failure is counted', async () => {
    // Prepare: a leaver, and an API whose DynamoDB client fails the activation and every write after it.
    const org = await onboardTestOrganisation(api);
    const leaver = await addStaff(api, org, ['VOLUNTEER']);
    const endedOn = new Date(clock.now().getTime() - 365 * 86_400_000).toISOString().slice(0, 10);
    expectNoErrors(
      await api.graphql(
        'mutation ($input: RecordEmploymentEndedInput!) { recordEmploymentEnded(input: $input) { staffMemberId } }',
        { token: org.adminToken, variables: { input: { staffId: leaver.globalId, endedOn } } },
      ),
    );
    const failing = failingDynamoClient(
      api,
      faultFrom((call) => JSON.stringify(call.input).includes('{"S":"ACTIVE"}')),
    );

    // Act
    const failed = await testApi({ clock, tables: api.stack.tables, dynamo: failing.client }).graphql(
      'mutation ($input: RecordReemploymentInput!) { recordReemployment(input: $input) { id } }',
      { token: org.adminToken, variables: { input: { staffId: leaver.globalId } } },
    );

    // Assess
    expect(failing.failures()).toBeGreaterThan(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    const emitted = published();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      level: 'ERROR',
      message: 'retention.restore-failed',
      orgId: org.orgId,
      subjectId: leaver.staffId,
      restore: 'REEMPLOYMENT',
    });
  });
});
