import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  type KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createTestClock, expectKmsError, startTestKms } from './local-kms-fixture.js';

const orgContext = { orgId: 'org-1', purpose: 'branch-key' };

async function createKey(client: KMSClient): Promise<{ keyId: string; arn: string }> {
  const created = await client.send(new CreateKeyCommand({}));
  return { keyId: created.KeyMetadata?.KeyId ?? '', arn: created.KeyMetadata?.Arn ?? '' };
}

describe('cryptographic operations', () => {
  it('GenerateDataKey returns a 256-bit data key that Decrypt gives back with the same context', async () => {
    // Prepare
    const { client } = await startTestKms();
    const { keyId, arn } = await createKey(client);
    await client.send(new CreateAliasCommand({ AliasName: 'alias/confide/dev/org-1', TargetKeyId: keyId }));

    // Act
    const dataKey = await client.send(
      new GenerateDataKeyCommand({
        KeyId: 'alias/confide/dev/org-1',
        KeySpec: 'AES_256',
        EncryptionContext: orgContext,
      }),
    );
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: { ...orgContext } }),
    );

    // Assess
    expect(dataKey.KeyId).toBe(arn);
    expect(dataKey.Plaintext).toHaveLength(32);
    expect(Buffer.from(dataKey.CiphertextBlob ?? []).equals(Buffer.from(dataKey.Plaintext ?? []))).toBe(
      false,
    );
    expect(decrypted.KeyId).toBe(arn);
    expect(Buffer.from(decrypted.Plaintext ?? []).equals(Buffer.from(dataKey.Plaintext ?? []))).toBe(true);
  });

  it('GenerateDataKey takes AES_128 or NumberOfBytes, exactly one of KeySpec and NumberOfBytes', async () => {
    const { client } = await startTestKms();
    const { keyId } = await createKey(client);

    const aes128 = await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_128' }));
    const sized = await client.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }));
    const withoutPlaintext = await client.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256' }),
    );

    expect(aes128.Plaintext).toHaveLength(16);
    expect(sized.Plaintext).toHaveLength(64);
    expect(withoutPlaintext).not.toHaveProperty('Plaintext');
    const unwrapped = await client.send(
      new DecryptCommand({ CiphertextBlob: withoutPlaintext.CiphertextBlob }),
    );
    expect(unwrapped.Plaintext).toHaveLength(32);
    await expectKmsError(client.send(new GenerateDataKeyCommand({ KeyId: keyId })), 'ValidationException');
    await expectKmsError(
      client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })),
      'ValidationException',
    );
    await expectKmsError(
      client.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 1025 })),
      'ValidationException',
    );
  });

  it('Encrypt then Decrypt round-trips, with or without a KeyId on Decrypt', async () => {
    const { client } = await startTestKms();
    const { keyId, arn } = await createKey(client);
    const plaintext = Buffer.from('a secret worth keeping');

    const encrypted = await client.send(new EncryptCommand({ KeyId: arn, Plaintext: plaintext }));
    const withoutKeyId = await client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
    const withKeyId = await client.send(
      new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, KeyId: keyId }),
    );

    expect(encrypted.KeyId).toBe(arn);
    expect(encrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    expect(Buffer.from(encrypted.CiphertextBlob ?? []).includes(plaintext)).toBe(false);
    expect(Buffer.from(withoutKeyId.Plaintext ?? []).toString()).toBe('a secret worth keeping');
    expect(Buffer.from(withKeyId.Plaintext ?? []).toString()).toBe('a secret worth keeping');
  });

  it('Decrypt with a KeyId other than the one the blob was made with throws IncorrectKeyException', async () => {
    const { client } = await startTestKms();
    const first = await createKey(client);
    const second = await createKey(client);
    const encrypted = await client.send(
      new EncryptCommand({ KeyId: first.keyId, Plaintext: Buffer.from('x') }),
    );

    await expectKmsError(
      client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, KeyId: second.keyId })),
      'IncorrectKeyException',
    );
  });

  it.each<{ name: string; context: Record<string, string> | undefined }>([
    { name: 'a different value', context: { orgId: 'org-2', purpose: 'branch-key' } },
    { name: 'a missing pair', context: { orgId: 'org-1' } },
    { name: 'an extra pair', context: { ...orgContext, extra: '' } },
    { name: 'no context at all', context: undefined },
  ])(
    'Decrypt with $name in the encryption context throws InvalidCiphertextException',
    async ({ context }) => {
      // Prepare
      const { client } = await startTestKms();
      const { keyId } = await createKey(client);
      const dataKey = await client.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: orgContext }),
      );

      // Act
      const error = await expectKmsError(
        client.send(
          new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }),
        ),
        'InvalidCiphertextException',
      );

      // Assess
      expect(error.message).not.toContain('org-1');
    },
  );

  it('binds the context canonically: pair order does not matter, but {a:"bc"} is not {ab:"c"}', async () => {
    const { client } = await startTestKms();
    const { keyId } = await createKey(client);
    const encrypted = await client.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: Buffer.from('x'),
        EncryptionContext: { a: 'bc', z: '1' },
      }),
    );

    const reordered = await client.send(
      new DecryptCommand({
        CiphertextBlob: encrypted.CiphertextBlob,
        EncryptionContext: { z: '1', a: 'bc' },
      }),
    );
    expect(Buffer.from(reordered.Plaintext ?? []).toString()).toBe('x');
    await expectKmsError(
      client.send(
        new DecryptCommand({
          CiphertextBlob: encrypted.CiphertextBlob,
          EncryptionContext: { ab: 'c', z: '1' },
        }),
      ),
      'InvalidCiphertextException',
    );
  });

  it('any single flipped byte of a blob makes Decrypt throw InvalidCiphertextException', async () => {
    // Prepare
    const { client } = await startTestKms();
    const { keyId } = await createKey(client);
    const encrypted = await client.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: Buffer.from('tamper-evident'),
        EncryptionContext: orgContext,
      }),
    );
    const blob = Buffer.from(encrypted.CiphertextBlob ?? []);

    // Act
    const failures: string[] = [];
    for (let index = 0; index < blob.length; index += 1) {
      const tampered = Buffer.from(blob);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      const outcome = await client
        .send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: orgContext }))
        .then(
          () => 'decrypted',
          (error: Error) => error.name,
        );
      failures.push(outcome);
    }

    // Assess
    expect(failures).toHaveLength(blob.length);
    expect(new Set(failures)).toEqual(new Set(['InvalidCiphertextException']));
  });

  it('unparsable blobs throw InvalidCiphertextException', async () => {
    const { client } = await startTestKms();
    const { keyId } = await createKey(client);
    const encrypted = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    const blob = Buffer.from(encrypted.CiphertextBlob ?? []);

    for (const garbage of [Buffer.from('not a ciphertext'), blob.subarray(0, 40), Buffer.alloc(200, 7)]) {
      await expectKmsError(
        client.send(new DecryptCommand({ CiphertextBlob: garbage })),
        'InvalidCiphertextException',
      );
    }
  });

  it('a disabled key refuses Encrypt, GenerateDataKey and Decrypt with DisabledException until enabled', async () => {
    // Prepare
    const { client } = await startTestKms();
    const { keyId } = await createKey(client);
    const encrypted = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));

    // Act
    await client.send(new DisableKeyCommand({ KeyId: keyId }));

    // Assess
    const described = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(described.KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    await expectKmsError(
      client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
      'DisabledException',
    );
    await expectKmsError(
      client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })),
      'DisabledException',
    );
    await expectKmsError(
      client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })),
      'DisabledException',
    );
    await client.send(new EnableKeyCommand({ KeyId: keyId }));
    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
    expect(Buffer.from(decrypted.Plaintext ?? []).toString()).toBe('x');
  });

  it('a key pending deletion refuses Encrypt, GenerateDataKey and Decrypt with KMSInvalidStateException', async () => {
    // Prepare
    const clock = createTestClock();
    const { client } = await startTestKms({ now: clock.now });
    const { keyId } = await createKey(client);
    const dataKey = await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));

    // Act
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));

    // Assess
    await expectKmsError(
      client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
      'KMSInvalidStateException',
    );
    await expectKmsError(
      client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })),
      'KMSInvalidStateException',
    );
    await expectKmsError(
      client.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob })),
      'KMSInvalidStateException',
    );
    await expectKmsError(client.send(new EnableKeyCommand({ KeyId: keyId })), 'KMSInvalidStateException');
  });

  it('refuses plaintexts outside 1 to 4096 bytes with ValidationException', async () => {
    const { client } = await startTestKms();
    const { keyId } = await createKey(client);

    await expectKmsError(
      client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4097) })),
      'ValidationException',
    );
    await expectKmsError(
      client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(0) })),
      'ValidationException',
    );
  });
});
