import {
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createTestClock, expectKmsError, startTestKms } from './local-kms-fixture.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const context = { orgId: 'org-1' };

async function encryptText(client: KMSClient, keyId: string, text: string): Promise<Uint8Array | undefined> {
  const encrypted = await client.send(
    new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text), EncryptionContext: context }),
  );
  return encrypted.CiphertextBlob;
}

async function decryptText(client: KMSClient, blob: Uint8Array | undefined): Promise<string> {
  const decrypted = await client.send(
    new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }),
  );
  return Buffer.from(decrypted.Plaintext ?? []).toString();
}

describe('key rotation', () => {
  it('reports rotation status and the next rotation date', async () => {
    // Prepare
    const clock = createTestClock();
    const { client } = await startTestKms({ now: clock.now });
    const created = await client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId ?? '';
    const before = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));

    // Act
    await client.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));

    // Assess
    expect(before.KeyRotationEnabled).toBe(false);
    const enabled = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(enabled).toMatchObject({
      KeyRotationEnabled: true,
      RotationPeriodInDays: 90,
      NextRotationDate: new Date(clock.now().getTime() + 90 * DAY_MS),
    });
    await client.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    const disabled = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(disabled.KeyRotationEnabled).toBe(false);
    expect(disabled.NextRotationDate).toBeUndefined();
    await expectKmsError(
      client.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 89 })),
      'ValidationException',
    );
  });

  it('rotates automatically when the period has passed, and blobs from before still decrypt', async () => {
    // Prepare
    const clock = createTestClock();
    const { client } = await startTestKms({ now: clock.now });
    const created = await client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId ?? '';
    await client.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    const oldBlob = await encryptText(client, keyId, 'before rotation');

    // Act
    clock.advanceDays(366);
    const newBlob = await encryptText(client, keyId, 'after rotation');

    // Assess
    const rotations = await client.send(new ListKeyRotationsCommand({ KeyId: keyId }));
    expect(rotations.Rotations).toEqual([
      { KeyId: created.KeyMetadata?.Arn, RotationDate: clock.now(), RotationType: 'AUTOMATIC' },
    ]);
    const status = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status.NextRotationDate).toEqual(new Date(clock.now().getTime() + 365 * DAY_MS));
    expect(await decryptText(client, oldBlob)).toBe('before rotation');
    expect(await decryptText(client, newBlob)).toBe('after rotation');
  });

  it('rotates on demand, keeping every earlier version decryptable', async () => {
    // Prepare
    const { client } = await startTestKms();
    const created = await client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId ?? '';
    const blobs: { text: string; blob: Uint8Array | undefined }[] = [];

    // Act
    for (const text of ['version 1', 'version 2', 'version 3']) {
      blobs.push({ text, blob: await encryptText(client, keyId, text) });
      await client.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    }

    // Assess
    const rotations = await client.send(new ListKeyRotationsCommand({ KeyId: keyId }));
    expect(rotations.Rotations?.map((rotation) => rotation.RotationType)).toEqual([
      'ON_DEMAND',
      'ON_DEMAND',
      'ON_DEMAND',
    ]);
    for (const { text, blob } of blobs) {
      expect(await decryptText(client, blob)).toBe(text);
    }
  });
});
