import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { KmsCheckpointSigner, localCheckpointKey } from '@confide/service-verifier/anchored-verify';
import { runVerifier } from '@confide/service-verifier/handler';
import { FileCheckpointStore } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditItems, monitoringWorld, readClients } from '../monitoring/monitoring-fixtures';
import { type LambdaEndpoint, startLambdaEndpoint } from '../support/aws-stand-ins';
import { onboardTestOrganisation } from '../support/fixtures';
import { offboardWithTwoOperators } from '../support/platform-fixtures';
import { testApi } from '../support/test-api';
import { runCli } from './support/run-cli';

/**
 * Issue 16 capability 3 and issue 20: `confide audit verify --stage <s>` runs a deployed stage's verifier function
 * (`confide-<s>-verifier`), signed with the operator's own AWS credentials, for one organisation, and exits 1 naming
 * the first bad event as the local command does. The stage is a signed Lambda stand-in that runs the verifier's own
 * code (`runVerifier`) against the local stack, with a local checkpoint store in place of the Object Lock bucket.
 */

describe('confide audit verify --stage', () => {
  const api = testApi();
  const checkpoints = mkdtempSync(join(tmpdir(), 'confide-stage-checkpoints-'));
  let lambda: LambdaEndpoint;
  let env: Record<string, string>;

  beforeAll(async () => {
    const signer = new KmsCheckpointSigner(
      api.services.kms,
      await localCheckpointKey(api.services.kms, 'alias/confide-audit-checkpoints/stage-test'),
    );
    const store = new FileCheckpointStore(checkpoints);
    lambda = await startLambdaEndpoint({
      invoke: async (functionName, payload) => {
        if (functionName !== 'confide-qa-verifier') {
          return { payload: '{"errorType":"ResourceNotFound"}', functionError: 'Unhandled' };
        }
        const answer = await runVerifier(
          { services: api.services, store, signer, pauseMs: 100 },
          JSON.parse(payload),
        );
        return { payload: JSON.stringify(answer) };
      },
    });
    env = {
      CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'eu-west-2',
      // No running local stack is needed (nor read): the stage is the stand-in.
      CONFIDE_DATA_DIR: join(checkpoints, 'no-local-stack'),
    };
  });

  afterAll(async () => {
    await lambda.stop();
    rmSync(checkpoints, { recursive: true, force: true });
  });

  it('runs the stage’s verifier, signed, for the named organisation; then names the first bad event', async () => {
    // Prepare: an audited organisation
    const world = await monitoringWorld(api, 2);
    await readClients(api, world.worker, world.clients, 'Support visit');

    // Act: clean, then one READ event deleted from the table
    const clean = await runCli(['audit', 'verify', '--org', world.org.slug, '--stage', 'qa'], env);
    const events = await auditItems(api, world.org.orgId);
    const read = events.filter((item) => item.action?.S === 'READ').at(0);
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: api.services.config.tables.data,
        Key: { pk: read?.pk as { S: string }, sk: read?.sk as { S: string } },
      }),
    );
    const tampered = await runCli(['audit', 'verify', '--org', world.org.slug, '--stage', 'qa'], env);

    // Assess
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`Audit log of ${world.org.slug} in qa verified`);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('FAILED verification');
    expect(lambda.invocations.map((call) => [call.functionName, call.signatureValid])).toEqual([
      ['confide-qa-verifier', true],
      ['confide-qa-verifier', true],
    ]);
  }, 240_000);

  it('says an offboarded organisation is not active, instead of failing its verification', async () => {
    // Prepare: an audited organisation, then offboarded (its key pending deletion: nothing of it can be verified).
    const world = await monitoringWorld(api, 1);
    await readClients(api, world.worker, world.clients, 'Support visit');
    expect((await offboardWithTwoOperators(api, world.org.orgId, 7)).errors).toBeUndefined();
    const before = lambda.invocations.length;

    // Act
    const result = await runCli(['audit', 'verify', '--org', world.org.slug, '--stage', 'qa'], env);

    // Assess: no failure counted for the audit alarm, and the operator is told why nothing was verified.
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No active organisation with slug "${world.org.slug}" in qa`);
    expect(result.stderr).not.toContain('FAILED');
    expect(lambda.invocations.length).toBe(before + 1);
  }, 240_000);

  it('says so when the stage has no such organisation, and refuses a malformed stage name', async () => {
    const unknown = await runCli(['audit', 'verify', '--org', 'no-such-charity', '--stage', 'qa'], env);
    // A one-letter slug is a valid one; with no such organisation the verifier must not verify the others instead.
    await onboardTestOrganisation(api);
    const oneLetter = await runCli(['audit', 'verify', '--org', 'q', '--stage', 'qa'], env);
    const malformed = await runCli(['audit', 'verify', '--org', 'x', '--stage', 'Prod!'], env);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No active organisation with slug "no-such-charity" in qa');
    expect(oneLetter.code, oneLetter.stdout).toBe(1);
    expect(oneLetter.stderr).toContain('No active organisation with slug "q" in qa');
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('--stage takes a stage name');
  });
});
