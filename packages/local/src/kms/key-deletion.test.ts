import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  GenerateDataKeyCommand,
  type KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createDataDir, createTestClock, expectKmsError, startTestKms } from './local-kms-fixture.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const context = { orgId: 'org-1' };

async function createKeyWithDataKey(client: KMSClient) {
  const created = await client.send(new CreateKeyCommand({}));
  const keyId = created.KeyMetadata?.KeyId ?? '';
  const dataKey = await client.send(
    new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
  );
  return { keyId, arn: created.KeyMetadata?.Arn ?? '', wrapped: dataKey.CiphertextBlob };
}

describe('key deletion', () => {
  it.each([0, 6, 31, 365])('refuses a PendingWindowInDays of %i with ValidationException', async (days) => {
    const { client } = await startTestKms();
    const { keyId } = await createKeyWithDataKey(client);

    await expectKmsError(
      client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: days })),
      'ValidationException',
    );

    const described = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(described.KeyMetadata?.KeyState).toBe('Enabled');
  });

  it.each([
    { requested: 7, expected: 7 },
    { requested: 30, expected: 30 },
    { requested: undefined, expected: 30 },
  ])('schedules deletion $expected days ahead when asked for $requested', async ({ requested, expected }) => {
    // Prepare
    const clock = createTestClock();
    const { client } = await startTestKms({ now: clock.now });
    const { keyId, arn } = await createKeyWithDataKey(client);

    // Act
    const scheduled = await client.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: requested }),
    );

    // Assess
    const deletionDate = new Date(clock.now().getTime() + expected * DAY_MS);
    expect(scheduled).toMatchObject({
      KeyId: arn,
      KeyState: 'PendingDeletion',
      DeletionDate: deletionDate,
      PendingWindowInDays: expected,
    });
    const described = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(described.KeyMetadata).toMatchObject({
      KeyState: 'PendingDeletion',
      Enabled: false,
      DeletionDate: deletionDate,
    });
    await expectKmsError(
      client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId })),
      'KMSInvalidStateException',
    );
  });

  it('CancelKeyDeletion brings the key back disabled, and enabling it makes old blobs decryptable', async () => {
    // Prepare
    const clock = createTestClock();
    const { client } = await startTestKms({ now: clock.now });
    const { keyId, wrapped } = await createKeyWithDataKey(client);
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    clock.advanceDays(6);

    // Act
    await client.send(new CancelKeyDeletionCommand({ KeyId: keyId }));

    // Assess
    const described = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(described.KeyMetadata?.KeyState).toBe('Disabled');
    expect(described.KeyMetadata?.DeletionDate).toBeUndefined();
    clock.advanceDays(30);
    await client.send(new EnableKeyCommand({ KeyId: keyId }));
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: context }),
    );
    expect(decrypted.Plaintext).toHaveLength(32);
    await expectKmsError(
      client.send(new CancelKeyDeletionCommand({ KeyId: keyId })),
      'KMSInvalidStateException',
    );
  });

  it('deletes the key, its material and its aliases once the deletion date has passed', async () => {
    // Prepare
    const clock = createTestClock();
    const { client } = await startTestKms({ now: clock.now });
    const { keyId, wrapped } = await createKeyWithDataKey(client);
    await client.send(new CreateAliasCommand({ AliasName: 'alias/confide/dev/org-1', TargetKeyId: keyId }));
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));

    // Act: just before, then just after the deletion date
    clock.advanceDays(6.99);
    const before = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    clock.advanceDays(0.01);

    // Assess
    expect(before.KeyMetadata?.KeyState).toBe('PendingDeletion');
    await expectKmsError(
      client.send(new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: context })),
      'NotFoundException',
    );
    await expectKmsError(client.send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException');
    await expectKmsError(
      client.send(new DescribeKeyCommand({ KeyId: 'alias/confide/dev/org-1' })),
      'NotFoundException',
    );
    const aliases = await client.send(new ListAliasesCommand({}));
    expect(aliases.Aliases).toEqual([]);
  });

  it('erases the material from the data folder: a restart with the clock turned back cannot decrypt', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const clock = createTestClock();
    const first = await startTestKms({ dataDir, now: clock.now });
    const { keyId, wrapped } = await createKeyWithDataKey(first.client);
    await first.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    clock.advanceDays(8);
    await expectKmsError(first.client.send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException');
    await first.stop();

    // Act
    const second = await startTestKms({ dataDir, now: createTestClock().now });

    // Assess
    await expectKmsError(
      second.client.send(new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: context })),
      'NotFoundException',
    );
    await expectKmsError(second.client.send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException');
  });
});
