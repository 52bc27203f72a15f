import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRUSTED_DOCUMENTS, trustedDocumentId, unpackTrustedDocuments } from '@confide/api';
import {
  COMPACT_TRUSTED_DOCUMENTS_FILE,
  compactTrustedDocuments,
  printTrustedDocuments,
  TRUSTED_DOCUMENTS_FILE,
} from '@confide/api/print-trusted-documents';
import { stripIgnoredCharacters } from 'graphql';
import { describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 20, partner apps (decision 0036): a stage that runs registered documents only — schema/examples and the
 * partners' own documents in schema/trusted — refuses any other text or id with UNTRUSTED_DOCUMENT before it is
 * parsed, and runs a registered one sent by id or in full. Elsewhere (local, dev) any document runs.
 */

const WORKER_DAY = readFileSync(
  fileURLToPath(new URL('../../schema/examples/worker-day.graphql', import.meta.url)),
  'utf8',
);

async function post(api: TestApi, body: Record<string, unknown>, token: string) {
  const response = await api.yoga.fetch('http://confide.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
  };
}

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  (result.errors ?? []).map((error) => error.extensions?.code);

describe('trusted documents', () => {
  const trusted = testApi({ env: { CONFIDE_TRUSTED_DOCUMENTS_ONLY: 'true' } });
  const open = testApi();

  it('the manifest the api carries is the one the registered files make (npm run schema:print)', () => {
    expect(readFileSync(TRUSTED_DOCUMENTS_FILE, 'utf8')).toBe(printTrustedDocuments());
    // The compact copy is compressed (decision 0096): what it decodes to, not its bytes, is what the files make.
    const carried = JSON.parse(readFileSync(COMPACT_TRUSTED_DOCUMENTS_FILE, 'utf8')) as { documents: string };
    expect(unpackTrustedDocuments(carried)).toEqual(compactTrustedDocuments());
    // The api keeps each document without comments and spacing, by the id of its full text (decision 0049).
    const kept = TRUSTED_DOCUMENTS.get(trustedDocumentId(WORKER_DAY));
    expect(kept).toBe(stripIgnoredCharacters(WORKER_DAY));
    expect(kept?.length).toBeLessThan(WORKER_DAY.length);
    // Every document of the manifest, under its full id (the compact copy leaves out the `sha256:` it starts with).
    const manifest = JSON.parse(readFileSync(TRUSTED_DOCUMENTS_FILE, 'utf8')) as { documents: object };
    expect([...TRUSTED_DOCUMENTS.keys()].sort()).toEqual(Object.keys(manifest.documents).sort());
  });

  it('runs a registered document by id or in full, and refuses any other text or id', async () => {
    // Onboarded through an open api on the same tables: the fixture's own documents are not registered.
    const org = await onboardTestOrganisation(open);
    const id = trustedDocumentId(WORKER_DAY);

    const byId = await post(trusted, { documentId: id, operationName: 'WorkerCaseload' }, org.adminToken);
    const byApolloHash = await post(
      trusted,
      {
        operationName: 'WorkerCaseload',
        extensions: { persistedQuery: { version: 1, sha256Hash: id.slice('sha256:'.length) } },
      },
      org.adminToken,
    );
    const inFull = await post(
      trusted,
      { query: WORKER_DAY, operationName: 'WorkerCaseload' },
      org.adminToken,
    );
    const arbitrary = await post(trusted, { query: '{ me { kind } }' }, org.adminToken);
    const unknownId = await post(trusted, { documentId: `sha256:${'0'.repeat(64)}` }, org.adminToken);
    const mismatched = await post(trusted, { documentId: id, query: '{ me { kind } }' }, org.adminToken);
    const idAndText = await post(
      trusted,
      { documentId: id, query: WORKER_DAY, operationName: 'WorkerCaseload' },
      org.adminToken,
    );

    for (const result of [byId, byApolloHash, inFull, idAndText]) {
      expect(codes(result)).not.toContain('UNTRUSTED_DOCUMENT');
      expect(result.data?.me).toMatchObject({ kind: 'STAFF' });
    }
    for (const result of [arbitrary, unknownId, mismatched]) {
      expect(codes(result)).toEqual(['UNTRUSTED_DOCUMENT']);
      expect(result.data ?? null).toBeNull();
    }
  });

  it('runs any document where the stage allows it (local, dev)', async () => {
    const org = await onboardTestOrganisation(open);

    const arbitrary = await post(open, { query: '{ me { kind } }' }, org.adminToken);

    expect(codes(arbitrary)).toEqual([]);
    expect(arbitrary.data?.me).toEqual({ kind: 'STAFF' });
  });
});
