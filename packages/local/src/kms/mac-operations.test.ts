import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateMacCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  KMSInvalidMacException,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createDataDir, expectKmsError, startTestKms } from './local-kms-fixture.js';

const message = new TextEncoder().encode('confide.provisioner-assertion.v1.payload');

async function createHmacKey(client: KMSClient): Promise<{ keyId: string; arn: string }> {
  const created = await client.send(
    new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', Description: 'assertions' }),
  );
  return { keyId: created.KeyMetadata?.KeyId ?? '', arn: created.KeyMetadata?.Arn ?? '' };
}

describe('MAC operations (HMAC_256 keys)', () => {
  it('creates an HMAC_256 key that DescribeKey reports with its usage and MAC algorithm', async () => {
    const { client } = await startTestKms();

    const { keyId } = await createHmacKey(client);
    const { KeyMetadata: metadata } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));

    expect(metadata).toMatchObject({
      KeySpec: 'HMAC_256',
      KeyUsage: 'GENERATE_VERIFY_MAC',
      MacAlgorithms: ['HMAC_SHA_256'],
      KeyState: 'Enabled',
    });
    expect(metadata?.EncryptionAlgorithms).toBeUndefined();
  });

  it('GenerateMac answers a 32-byte MAC that VerifyMac accepts, by key id, ARN or alias', async () => {
    // Prepare
    const { client } = await startTestKms();
    const { keyId, arn } = await createHmacKey(client);
    await client.send(new CreateAliasCommand({ AliasName: 'alias/assertions', TargetKeyId: keyId }));

    // Act
    const generated = await client.send(
      new GenerateMacCommand({ KeyId: 'alias/assertions', MacAlgorithm: 'HMAC_SHA_256', Message: message }),
    );
    const verified = await Promise.all(
      [keyId, arn, 'alias/assertions'].map((KeyId) =>
        client.send(
          new VerifyMacCommand({ KeyId, MacAlgorithm: 'HMAC_SHA_256', Message: message, Mac: generated.Mac }),
        ),
      ),
    );
    const again = await client.send(
      new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message }),
    );

    // Assess
    expect(generated.KeyId).toBe(arn);
    expect(generated.MacAlgorithm).toBe('HMAC_SHA_256');
    expect(generated.Mac).toHaveLength(32);
    // Deterministic, as an HMAC is.
    expect(Buffer.from(again.Mac ?? []).equals(Buffer.from(generated.Mac ?? []))).toBe(true);
    for (const answer of verified) {
      expect(answer).toMatchObject({ KeyId: arn, MacValid: true, MacAlgorithm: 'HMAC_SHA_256' });
    }
  });

  it('VerifyMac refuses a changed message, a changed MAC and another key’s MAC with KMSInvalidMacException', async () => {
    // Prepare
    const { client } = await startTestKms();
    const { keyId } = await createHmacKey(client);
    const other = await createHmacKey(client);
    const mac = (
      await client.send(
        new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message }),
      )
    ).Mac as Uint8Array;
    const otherMac = (
      await client.send(
        new GenerateMacCommand({ KeyId: other.keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message }),
      )
    ).Mac as Uint8Array;
    const flipped = Buffer.from(mac);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const verify = (Message: Uint8Array, Mac: Uint8Array) =>
      client.send(new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message, Mac }));

    // Act and assess
    const changedMessage = await expectKmsError(
      verify(new TextEncoder().encode('confide.provisioner-assertion.v1.payloae'), mac),
      'KMSInvalidMacException',
    );
    expect(changedMessage).toBeInstanceOf(KMSInvalidMacException);
    await expectKmsError(verify(message, flipped), 'KMSInvalidMacException');
    await expectKmsError(verify(message, otherMac), 'KMSInvalidMacException');
    await expectKmsError(verify(message, mac.subarray(0, 16)), 'KMSInvalidMacException');
  });

  it('refuses MAC operations on encryption keys and encryption on HMAC keys (InvalidKeyUsageException)', async () => {
    const { client } = await startTestKms();
    const hmacKey = await createHmacKey(client);
    const encryptionKey = (await client.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const encrypted = await client.send(new EncryptCommand({ KeyId: encryptionKey, Plaintext: message }));

    await expectKmsError(
      client.send(
        new GenerateMacCommand({ KeyId: encryptionKey, MacAlgorithm: 'HMAC_SHA_256', Message: message }),
      ),
      'InvalidKeyUsageException',
    );
    await expectKmsError(
      client.send(
        new VerifyMacCommand({
          KeyId: encryptionKey,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: message,
          Mac: new Uint8Array(32),
        }),
      ),
      'InvalidKeyUsageException',
    );
    await expectKmsError(
      client.send(new EncryptCommand({ KeyId: hmacKey.keyId, Plaintext: message })),
      'InvalidKeyUsageException',
    );
    await expectKmsError(
      client.send(new GenerateDataKeyCommand({ KeyId: hmacKey.keyId, KeySpec: 'AES_256' })),
      'InvalidKeyUsageException',
    );
    await expectKmsError(
      client.send(new DecryptCommand({ KeyId: hmacKey.keyId, CiphertextBlob: encrypted.CiphertextBlob })),
      'IncorrectKeyException',
    );
  });

  it('accepts HMAC_SHA_256 only, and requires the algorithm and a message of 1 to 4096 bytes', async () => {
    const { client } = await startTestKms();
    const { keyId } = await createHmacKey(client);

    await expectKmsError(
      client.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_512', Message: message })),
      'InvalidKeyUsageException',
    );
    await expectKmsError(
      client.send(new GenerateMacCommand({ KeyId: keyId, Message: message } as never)),
      'ValidationException',
    );
    await expectKmsError(
      client.send(
        new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: new Uint8Array(4097) }),
      ),
      'ValidationException',
    );
  });

  it('refuses a disabled or deleted-pending key, and every rotation operation on an HMAC key', async () => {
    const { client } = await startTestKms();
    const disabled = await createHmacKey(client);
    const pending = await createHmacKey(client);
    await client.send(new DisableKeyCommand({ KeyId: disabled.keyId }));
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: pending.keyId, PendingWindowInDays: 7 }));
    const generate = (KeyId: string) =>
      client.send(new GenerateMacCommand({ KeyId, MacAlgorithm: 'HMAC_SHA_256', Message: message }));

    await expectKmsError(generate(disabled.keyId), 'DisabledException');
    await expectKmsError(generate(pending.keyId), 'KMSInvalidStateException');
    const rotatable = await createHmacKey(client);
    await expectKmsError(
      client.send(new EnableKeyRotationCommand({ KeyId: rotatable.keyId })),
      'UnsupportedOperationException',
    );
    await expectKmsError(
      client.send(new RotateKeyOnDemandCommand({ KeyId: rotatable.keyId })),
      'UnsupportedOperationException',
    );
    await expectKmsError(
      client.send(new GetKeyRotationStatusCommand({ KeyId: rotatable.keyId })),
      'UnsupportedOperationException',
    );
  });

  it('keeps an HMAC key across a restart on the same data folder: its MACs still verify', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const first = await startTestKms({ dataDir });
    const { keyId } = await createHmacKey(first.client);
    const { Mac } = await first.client.send(
      new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message }),
    );
    await first.stop();

    // Act
    const second = await startTestKms({ dataDir });
    const described = await second.client.send(new DescribeKeyCommand({ KeyId: keyId }));
    const verified = await second.client.send(
      new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message, Mac }),
    );

    // Assess
    expect(described.KeyMetadata?.KeySpec).toBe('HMAC_256');
    expect(verified.MacValid).toBe(true);
  });
});
