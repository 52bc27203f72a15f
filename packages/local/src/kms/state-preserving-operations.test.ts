import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyStore } from './key-store.js';
import type { KmsLocation } from './kms-arns.js';
import type { ResponseObject } from './kms-operation.js';
import { kmsOperations, STATE_PRESERVING_OPERATIONS } from './kms-operations.js';
import { createDataDir } from './local-kms-fixture.js';
import { type JsonObject, RequestFields } from './request-fields.js';

/**
 * The server skips persisting the store after the operations in STATE_PRESERVING_OPERATIONS (unless lifecycle events
 * changed it). Each is run here, with every member it reads, on a file-backed store that already holds keys of every
 * kind, an alias, tags and a rotation; `persist()` writes only when the state differs from the file, so the file
 * staying byte for byte the same proves the operation left the state alone.
 */

const LOCATION: KmsLocation = { region: 'eu-west-2', accountId: '000000000000' };
const NOW = new Date('2030-01-01T09:00:00.000Z');
const base64 = (text: string) => Buffer.from(text).toString('base64');

function call(store: KeyStore, operation: string, body: JsonObject): ResponseObject {
  const run = kmsOperations.get(operation);
  if (!run) throw new Error(`No operation ${operation}`);
  return run({ store, location: LOCATION, now: NOW, fields: new RequestFields(body) });
}

const keyIdOf = (response: ResponseObject) =>
  String((response.KeyMetadata as Record<string, unknown> | undefined)?.KeyId);

describe('operations that preserve the key store', () => {
  it('leave the persisted store byte for byte as it was, each of them', async () => {
    // Prepare: keys of every kind, an alias, tags and a rotation, persisted.
    const file = join(await createDataDir(), 'kms', 'keys.json');
    const store = await KeyStore.open(file);
    const symmetric = keyIdOf(
      call(store, 'CreateKey', { Description: 'org', Tags: [{ TagKey: 'orgId', TagValue: 'org-1' }] }),
    );
    const hmac = keyIdOf(call(store, 'CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
    const signing = keyIdOf(call(store, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    call(store, 'CreateAlias', { AliasName: 'alias/confide/test/org-1', TargetKeyId: symmetric });
    call(store, 'EnableKeyRotation', { KeyId: symmetric });
    call(store, 'RotateKeyOnDemand', { KeyId: symmetric });
    await store.persist();
    const persisted = await readFile(file, 'utf8');
    const context = { EncryptionContext: { orgId: 'org-1' } };
    const blob = String(
      call(store, 'Encrypt', { KeyId: symmetric, Plaintext: base64('p'), ...context }).CiphertextBlob,
    );
    const mac = String(
      call(store, 'GenerateMac', { KeyId: hmac, Message: base64('m'), MacAlgorithm: 'HMAC_SHA_256' }).Mac,
    );
    const signature = String(
      call(store, 'Sign', { KeyId: signing, Message: base64('m'), SigningAlgorithm: 'ECDSA_SHA_256' })
        .Signature,
    );
    const requests: Record<string, JsonObject> = {
      Decrypt: { CiphertextBlob: blob, ...context },
      DescribeKey: { KeyId: 'alias/confide/test/org-1' },
      Encrypt: { KeyId: symmetric, Plaintext: base64('p'), ...context },
      GenerateDataKey: { KeyId: symmetric, KeySpec: 'AES_256', ...context },
      GenerateDataKeyWithoutPlaintext: { KeyId: symmetric, KeySpec: 'AES_256', ...context },
      GenerateMac: { KeyId: hmac, Message: base64('m'), MacAlgorithm: 'HMAC_SHA_256' },
      GetKeyPolicy: { KeyId: symmetric, PolicyName: 'default' },
      GetKeyRotationStatus: { KeyId: symmetric },
      GetPublicKey: { KeyId: signing },
      ListAliases: {},
      ListKeyRotations: { KeyId: symmetric },
      ListResourceTags: { KeyId: symmetric },
      Sign: { KeyId: signing, Message: base64('m'), SigningAlgorithm: 'ECDSA_SHA_256' },
      Verify: {
        KeyId: signing,
        Message: base64('m'),
        Signature: signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
      VerifyMac: { KeyId: hmac, Message: base64('m'), Mac: mac, MacAlgorithm: 'HMAC_SHA_256' },
    };

    // Act and assess, one operation at a time
    expect(Object.keys(requests).sort()).toEqual([...STATE_PRESERVING_OPERATIONS].sort());
    for (const [operation, body] of Object.entries(requests)) {
      call(store, operation, body);
      await store.persist();
      expect(await readFile(file, 'utf8'), operation).toBe(persisted);
    }
  });

  it('do not include an operation that changes the store (one that did would be lost on a restart)', async () => {
    // Prepare
    const file = join(await createDataDir(), 'kms', 'keys.json');
    const store = await KeyStore.open(file);
    const keyId = keyIdOf(call(store, 'CreateKey', {}));
    await store.persist();
    const persisted = await readFile(file, 'utf8');

    // Act: an operation outside the set
    call(store, 'DisableKey', { KeyId: keyId });
    await store.persist();

    // Assess: the check above would see it
    expect(STATE_PRESERVING_OPERATIONS.has('DisableKey')).toBe(false);
    expect(await readFile(file, 'utf8')).not.toBe(persisted);
  });
});
