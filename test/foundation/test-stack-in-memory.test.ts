import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * The test run's stack keeps its KMS keys in memory, as it keeps its tables: a key file would outlive every
 * ciphertext it opens, and the local KMS rewrote the whole file at each key created, so each organisation a test
 * onboarded cost more than the one before. (`npm start` keeps both on disk: test/cli/start-command.test.ts.)
 */
describe('the test stack', () => {
  const api = testApi();

  it('creates organisation keys without writing a key file', async () => {
    // Act: onboarding creates the organisation's KMS key.
    const org = await onboardTestOrganisation(api);

    // Assert
    expect(org.orgId).toBeTruthy();
    expect(existsSync(join(inject('localStack').dataDir, 'kms'))).toBe(false);
  });
});
