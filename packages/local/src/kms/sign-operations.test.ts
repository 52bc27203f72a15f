import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  type KMSClient,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createDataDir, expectKmsError, startTestKms } from './local-kms-fixture.js';

const message = new TextEncoder().encode('confide-audit-checkpoint/1 org_x 2030-01-01T09:00:00.000Z');
const digest = createHash('sha256').update(message).digest();

async function createSigningKey(client: KMSClient): Promise<{ keyId: string; arn: string }> {
  const created = await client.send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'checkpoints' }),
  );
  return { keyId: created.KeyMetadata?.KeyId ?? '', arn: created.KeyMetadata?.Arn ?? '' };
}

/** Verifies with node:crypto alone, from the public key KMS hands out: what an auditor without KMS access does. */
async function verifiesOffline(client: KMSClient, keyId: string, signature: Uint8Array): Promise<boolean> {
  const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const key = createPublicKey({ key: Buffer.from(PublicKey ?? []), format: 'der', type: 'spki' });
  return verifySignature('sha256', message, key, Buffer.from(signature));
}

describe('signing operations (ECC_NIST_P256 keys, ECDSA_SHA_256)', () => {
  it('creates an ECC_NIST_P256 key that DescribeKey and GetPublicKey report with its usage and algorithm', async () => {
    const { client } = await startTestKms();

    const { keyId, arn } = await createSigningKey(client);
    const { KeyMetadata: metadata } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    const publicKey = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));

    expect(metadata).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
      KeyState: 'Enabled',
    });
    expect(metadata?.EncryptionAlgorithms).toBeUndefined();
    expect(metadata?.MacAlgorithms).toBeUndefined();
    expect(publicKey).toMatchObject({
      KeyId: arn,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const key = createPublicKey({ key: Buffer.from(publicKey.PublicKey ?? []), format: 'der', type: 'spki' });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('signs a RAW message and its DIGEST alike: Verify accepts both, and so does node:crypto from the public key', async () => {
    // Prepare
    const { client } = await startTestKms();
    const { keyId, arn } = await createSigningKey(client);
    await client.send(new CreateAliasCommand({ AliasName: 'alias/checkpoints', TargetKeyId: keyId }));

    // Act
    const raw = await client.send(
      new SignCommand({ KeyId: 'alias/checkpoints', Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    const ofDigest = await client.send(
      new SignCommand({
        KeyId: keyId,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const verified = await Promise.all([
      client.send(
        new VerifyCommand({
          KeyId: arn,
          Message: message,
          Signature: raw.Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      client.send(
        new VerifyCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          Signature: raw.Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      client.send(
        new VerifyCommand({
          KeyId: keyId,
          Message: message,
          Signature: ofDigest.Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ]);

    // Assess
    expect(raw).toMatchObject({ KeyId: arn, SigningAlgorithm: 'ECDSA_SHA_256' });
    // DER-encoded ECDSA: a SEQUENCE of two INTEGERs.
    expect(raw.Signature?.[0]).toBe(0x30);
    for (const answer of verified) {
      expect(answer).toMatchObject({ KeyId: arn, SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' });
    }
    expect(await verifiesOffline(client, keyId, raw.Signature ?? new Uint8Array())).toBe(true);
    expect(await verifiesOffline(client, keyId, ofDigest.Signature ?? new Uint8Array())).toBe(true);
  });

  it('Verify refuses a changed message, a changed signature and another key’s signature with KMSInvalidSignatureException', async () => {
    // Prepare
    const { client } = await startTestKms();
    const { keyId } = await createSigningKey(client);
    const other = await createSigningKey(client);
    const sign = (KeyId: string) =>
      client.send(new SignCommand({ KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));
    const signature = Buffer.from((await sign(keyId)).Signature ?? []);
    const othersSignature = (await sign(other.keyId)).Signature;
    const changed = Buffer.from(signature);
    changed[changed.length - 1] = (changed.at(-1) ?? 0) ^ 0x01;
    const verify = (Message: Uint8Array, Signature: Uint8Array | undefined, MessageType?: 'RAW' | 'DIGEST') =>
      client.send(
        new VerifyCommand({
          KeyId: keyId,
          Message,
          Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
          ...(MessageType ? { MessageType } : {}),
        }),
      );

    // Act / Assess
    await expectKmsError(verify(Buffer.from('another message'), signature), 'KMSInvalidSignatureException');
    await expectKmsError(verify(message, changed), 'KMSInvalidSignatureException');
    await expectKmsError(verify(message, othersSignature), 'KMSInvalidSignatureException');
    await expectKmsError(verify(Buffer.alloc(32), signature, 'DIGEST'), 'KMSInvalidSignatureException');
  });

  it('refuses what KMS refuses: another algorithm, a digest of the wrong length, signing with an encryption key, encrypting with a signing key', async () => {
    const { client } = await startTestKms();
    const { keyId } = await createSigningKey(client);
    const symmetric = await client.send(new CreateKeyCommand({}));

    await expectKmsError(
      client.send(new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_384' })),
      'InvalidKeyUsageException',
    );
    await expectKmsError(
      client.send(
        new SignCommand({
          KeyId: keyId,
          Message: Buffer.alloc(20),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      'ValidationException',
    );
    await expectKmsError(
      client.send(
        new SignCommand({
          KeyId: symmetric.KeyMetadata?.KeyId,
          Message: message,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      'InvalidKeyUsageException',
    );
    await expectKmsError(
      client.send(new GetPublicKeyCommand({ KeyId: symmetric.KeyMetadata?.KeyId })),
      'UnsupportedOperationException',
    );
    await expectKmsError(
      client.send(new EncryptCommand({ KeyId: keyId, Plaintext: message })),
      'InvalidKeyUsageException',
    );
  });

  it('keeps a signing key across restarts: a signature made before verifies after', async () => {
    // Prepare
    const dataDir = await createDataDir();
    const first = await startTestKms({ dataDir });
    const { keyId } = await createSigningKey(first.client);
    const { Signature } = await first.client.send(
      new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    await first.stop();

    // Act
    const second = await startTestKms({ dataDir });
    const verified = await second.client.send(
      new VerifyCommand({ KeyId: keyId, Message: message, Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );

    // Assess
    expect(verified.SignatureValid).toBe(true);
  });
});
