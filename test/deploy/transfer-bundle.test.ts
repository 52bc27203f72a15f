import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStackEnv } from '@confide/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdaBundle, type LambdaBundle } from '../../infra/lib/lambda-bundling';
import { fromRepoRoot } from '../../infra/lib/paths';
import { ADA, createServiceWithManager, recordNote, registerServiceUser } from '../support/care-fixtures';
import { onboardTestOrganisation } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import { runBundle } from './built-lambdas';

/**
 * Decision 0041: the transfer function as CDK ships it (bundled with the CDK bundling options, loaded by plain `node`
 * in a fresh process outside the repository) answers an operator's export against the local stack, and its logs carry
 * no record: the bundle imports the CLI's engines by path, and a bundling fault there fails here, before deployment.
 */

const NOTE = 'Canary-bundle: talked about moving flat.';

describe('the built transfer bundle', () => {
  const api = testApi();
  const dir = mkdtempSync(join(tmpdir(), 'confide-transfer-bundle-'));
  let bundle: LambdaBundle;

  beforeAll(async () => {
    bundle = await buildLambdaBundle(fromRepoRoot('services/transfer/src/handler.ts'), dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports for an operator, refuses anyone else, and logs no record', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const ada = await registerServiceUser(api, manager, serviceId);
    await recordNote(api, manager, ada, 'DAILY_SUPPORT', NOTE);
    const token = await api.operatorToken('operator-1');
    const env = {
      ...localStackEnv(api.stack),
      AWS_LAMBDA_FUNCTION_NAME: 'confide-test-transfer',
      POWERTOOLS_SERVICE_NAME: 'confide-transfer',
    };

    // Act
    const begun = await runBundle(
      bundle,
      [
        { operation: 'export.begin', token, input: { slug: org.slug } },
        { operation: 'export.begin', token: manager.token, input: { slug: org.slug } },
        { operation: 'export.begin', token: 'not-a-token', input: { slug: org.slug } },
        { operation: 'delete.everything', token, input: {} },
      ],
      env,
    );
    const requestId = (begun.results[0] as { value?: { requestId?: string } }).value?.requestId;
    const paged = await runBundle(
      bundle,
      [{ operation: 'export.page', token, input: { slug: org.slug, requestId, cursor: { service: 0 } } }],
      env,
    );

    // Assess
    const [asOperator, asStaff, badToken, unknown] = begun.results;
    expect(asOperator).toMatchObject({ ok: true, value: { ok: true, operation: 'export.begin' } });
    expect(asStaff).toMatchObject({ ok: true, value: { ok: false, error: { code: 'FORBIDDEN' } } });
    expect(badToken).toMatchObject({ ok: true, value: { ok: false, error: { code: 'UNAUTHENTICATED' } } });
    expect(unknown).toMatchObject({ ok: true, value: { ok: false, error: { code: 'BAD_USER_INPUT' } } });
    const page = paged.results[0] as {
      ok: boolean;
      value: {
        people: {
          clientId: string;
          document: { profile: Record<string, string>; notes: { text: string }[] };
        }[];
      };
    };
    expect(page.ok).toBe(true);
    expect(page.value.people.map((person) => person.clientId)).toEqual([localIdOf(ada)]);
    expect(page.value.people[0]?.document.profile.name).toBe(ADA.name);
    expect(page.value.people[0]?.document.notes.map((note) => note.text)).toEqual([NOTE]);
    for (const output of [begun.output, paged.output]) {
      expect(output).toContain('transfer answered');
      expect(output).not.toContain(ADA.name);
      expect(output).not.toContain(NOTE);
    }
  }, 180_000);
});
