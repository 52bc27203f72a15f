import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../import/dataset';
import { importArgs, importWorld, runCli, serviceClientIds } from '../import/import-support';
import { closeCase, eraseWithApproval, expectCode, readClient } from '../retention/retention-support';
import { expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff, localIdOf } from '../support/fixtures';
import { nameBucket, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * A name word's blind index is 16 bits on purpose (DATA-PROTECTION.md, Storage: a truncated index matches many
 * people, so an index entry does not single one out). So two words of one name share an index entry for about one
 * pair in 65,536: about one person in 22,000 with a three-word name. Such a client must be registered, imported, found
 * by either word, closed and erased like any other. Before, the entry was named twice in one write, and DynamoDB
 * refused the registration's transaction and the import's batch (and would have refused the erasure's deletes).
 */

const SEARCH = `query ($name: String) { searchServiceUsers(name: $name) { id } }`;

/** Two words (letters only, as a name has them) whose name index entries are one, under this organisation's key. */
async function collidingWords(
  api: TestApi,
  orgId: OrgId,
): Promise<{ words: [string, string]; index: string }> {
  const beaconKey = await api.services.keys.beaconKey(orgId);
  const seen = new Map<string, string>();
  for (let n = 0; n < 26 ** 4; n++) {
    const letters = [0, 1, 2, 3].map((place) => String.fromCharCode(97 + (Math.floor(n / 26 ** place) % 26)));
    const word = `q${letters.join('')}`;
    const index = nameBucket(beaconKey, word);
    const other = seen.get(index);
    if (other) return { words: [other, word], index };
    seen.set(index, word);
  }
  throw new Error('No two words share an index entry.');
}

const capitalised = (word: string) => word[0]?.toUpperCase() + word.slice(1);

/** The client's entry under the name index the two words share: there, or not. */
async function indexEntry(api: TestApi, orgId: OrgId, index: string, clientId: string): Promise<boolean> {
  const result = await api.services.dynamo.send(
    new GetItemCommand({
      TableName: api.services.config.tables.data,
      Key: {
        pk: { S: tenantScope(orgId).key('BEACON', 'name', index) },
        sk: { S: `CLIENT#${clientId}` },
      },
      ConsistentRead: true,
    }),
  );
  return result.Item !== undefined;
}

async function foundBy(api: TestApi, token: string, name: string): Promise<string[]> {
  const result = await api.graphql<{ searchServiceUsers: { id: string }[] }>(SEARCH, {
    token,
    variables: { name },
  });
  expectNoErrors(result);
  return (result.data?.searchServiceUsers ?? []).map((client) => client.id);
}

describe('a client whose two name words share one blind-index entry', () => {
  const api = testApi();

  it('is registered, found by either word, closed and erased through the API', async () => {
    // Prepare
    const world = await serviceWorld(api);
    const [ig, guardian] = await Promise.all([
      addStaff(api, world.org, ['IG_LEAD']),
      addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    ]);
    const { words, index } = await collidingWords(api, world.org.orgId);
    const name = words.map(capitalised).join(' ');

    // Act
    const id = await registerServiceUser(api, world.manager, world.serviceId, { name });
    const clientId = localIdOf(id);
    const byFirst = await foundBy(api, world.manager.token, words[0]);
    const bySecond = await foundBy(api, world.manager.token, words[1]);
    const entryBefore = await indexEntry(api, world.org.orgId, index, clientId);
    const closed = await closeCase(api, world.manager, id);
    const erased = await eraseWithApproval(api, ig, guardian, id);

    // Assess: the shared entry was written (the two words really collide in the store), and served both words.
    expect(entryBefore).toBe(true);
    expect(byFirst).toEqual([id]);
    expect(bySecond).toEqual([id]);
    expectNoErrors(closed);
    expect(closed.data?.closeCase.retention?.expiresAt).toBeTruthy();
    expectNoErrors(erased);
    expect(erased.data?.approveChange.status).toBe('APPROVED');
    expect(await indexEntry(api, world.org.orgId, index, clientId)).toBe(false);
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');
  });

  it('is imported by confide import, and found by either word', async () => {
    // Prepare
    const world = await importWorld(api);
    const { words, index } = await collidingWords(api, world.org.orgId);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    generateDataset(folder, {
      clients: 3,
      notesPerClient: 1,
      worker: world.workerHandle,
      names: [words.map(capitalised).join(' ')],
    });

    // Act
    const result = await runCli(api, importArgs(world, folder));

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Imported 3 clients');
    const found = await foundBy(api, world.manager.token, words[0]);
    expect(found).toHaveLength(1);
    expect(await foundBy(api, world.manager.token, words[1])).toEqual(found);
    const clientIds = await serviceClientIds(api, world);
    expect(clientIds).toContain(localIdOf(found[0] ?? ''));
    expect(await indexEntry(api, world.org.orgId, index, localIdOf(found[0] ?? ''))).toBe(true);
    rmSync(folder, { recursive: true, force: true });
  });
});
