import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { startLocalKms } from './index.js';
import { createDataDir, createTestClock, expectKmsError, startTestKms } from './local-kms-fixture.js';

const context = { orgId: 'org-1' };

describe('persistence', () => {
  it('a server restarted on the same data folder decrypts old blobs and keeps aliases, tags and states', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const clock = createTestClock();
    const first = await startTestKms({ dataDir, now: clock.now });
    const created = await first.client.send(
      new CreateKeyCommand({ Description: 'org-1', Tags: [{ TagKey: 'orgId', TagValue: 'org-1' }] }),
    );
    const keyId = created.KeyMetadata?.KeyId ?? '';
    const otherKey = await first.client.send(new CreateKeyCommand({}));
    await first.client.send(
      new CreateAliasCommand({ AliasName: 'alias/confide/dev/org-1', TargetKeyId: keyId }),
    );
    await first.client.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    const beforeRotation = await first.client.send(
      new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    await first.client.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const afterRotation = await first.client.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('after'), EncryptionContext: context }),
    );
    await first.client.send(new DisableKeyCommand({ KeyId: otherKey.KeyMetadata?.KeyId }));
    await first.stop();

    // Act
    const second = await startTestKms({ dataDir, now: clock.now });

    // Assess
    const described = await second.client.send(new DescribeKeyCommand({ KeyId: 'alias/confide/dev/org-1' }));
    expect(described.KeyMetadata).toMatchObject({
      KeyId: keyId,
      Description: 'org-1',
      KeyState: 'Enabled',
      CreationDate: clock.now(),
    });
    const old = await second.client.send(
      new DecryptCommand({ CiphertextBlob: beforeRotation.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(old.Plaintext ?? []).equals(Buffer.from(beforeRotation.Plaintext ?? []))).toBe(true);
    const recent = await second.client.send(
      new DecryptCommand({ CiphertextBlob: afterRotation.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(recent.Plaintext ?? []).toString()).toBe('after');
    const tags = await second.client.send(new ListResourceTagsCommand({ KeyId: keyId }));
    expect(tags.Tags).toEqual([{ TagKey: 'orgId', TagValue: 'org-1' }]);
    const rotation = await second.client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(rotation.KeyRotationEnabled).toBe(true);
    const other = await second.client.send(new DescribeKeyCommand({ KeyId: otherKey.KeyMetadata?.KeyId }));
    expect(other.KeyMetadata?.KeyState).toBe('Disabled');
  });

  it('writes one owner-only keys.json under kms/ in the data folder, with no temporary files left behind', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const { client } = await startTestKms({ dataDir });

    // Act
    const created = await client.send(new CreateKeyCommand({}));
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        client.send(
          new CreateAliasCommand({ AliasName: `alias/a${index}`, TargetKeyId: created.KeyMetadata?.KeyId }),
        ),
      ),
    );

    // Assess
    const kmsDir = join(dataDir, 'kms');
    expect(await readdir(kmsDir)).toEqual(['keys.json']);
    expect((await stat(join(kmsDir, 'keys.json'))).mode & 0o777).toBe(0o600);
  });

  it('the last of many concurrent changes is the one on disk', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const first = await startTestKms({ dataDir });
    const created = await first.client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId ?? '';

    // Act
    const blobs = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        await first.client.send(new CreateAliasCommand({ AliasName: `alias/k${index}`, TargetKeyId: keyId }));
        const encrypted = await first.client.send(
          new EncryptCommand({ KeyId: `alias/k${index}`, Plaintext: Buffer.from(`p${index}`) }),
        );
        await first.client.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
        return encrypted.CiphertextBlob;
      }),
    );
    await first.stop();
    const second = await startTestKms({ dataDir });

    // Assess
    for (const [index, blob] of blobs.entries()) {
      const decrypted = await second.client.send(new DecryptCommand({ CiphertextBlob: blob }));
      expect(Buffer.from(decrypted.Plaintext ?? []).toString()).toBe(`p${index}`);
      await second.client.send(new DescribeKeyCommand({ KeyId: `alias/k${index}` }));
    }
  });

  it('a rotation that falls due during a cryptographic request is on disk, and its blobs decrypt after a restart', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const clock = createTestClock();
    const first = await startTestKms({ dataDir, now: clock.now });
    const created = await first.client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId ?? '';
    await first.client.send(new EnableKeyRotationCommand({ KeyId: keyId }));

    // Act: the year passes; the next request, an Encrypt, rotates first and encrypts under the new material
    clock.advanceDays(366);
    const encrypted = await first.client.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('after'), EncryptionContext: context }),
    );
    await first.stop();
    const second = await startTestKms({ dataDir, now: clock.now });

    // Assess
    const decrypted = await second.client.send(
      new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(decrypted.Plaintext ?? []).toString()).toBe('after');
  });

  it('without a data folder, keys do not outlive the server', async () => {
    // Prepare
    const first = await startTestKms();
    const created = await first.client.send(new CreateKeyCommand({}));
    const encrypted = await first.client.send(
      new EncryptCommand({ KeyId: created.KeyMetadata?.KeyId, Plaintext: Buffer.from('x') }),
    );
    await first.stop();

    // Act
    const second = await startTestKms();

    // Assess
    await expectKmsError(
      second.client.send(new DescribeKeyCommand({ KeyId: created.KeyMetadata?.KeyId })),
      'NotFoundException',
    );
    await expectKmsError(
      second.client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })),
      'InvalidCiphertextException',
    );
  });

  it('refuses to start on a corrupt store rather than lose the keys old ciphertexts need', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const first = await startTestKms({ dataDir });
    await first.client.send(new CreateKeyCommand({}));
    await first.stop();
    await writeFile(
      join(dataDir, 'kms', 'keys.json'),
      '{"formatVersion":1,"keys":[{"keyId":7,"rotation":{}}]}',
    );

    // Act
    const starting = startLocalKms({ dataDir });

    // Assess
    await expect(starting).rejects.toThrow(/keys\.json is corrupt: \$\.keys\[0\]\.keyId should be a string/);
  });
});
