import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  KMSServiceException,
  NotFoundException,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { expectKmsError, startTestKms } from './local-kms-fixture.js';

describe('KMS JSON 1.1 protocol', () => {
  it('answers an operation it does not implement with UnknownOperationException and HTTP 400', async () => {
    const { client } = await startTestKms();

    const error = await expectKmsError(
      client.send(new UpdateKeyDescriptionCommand({ KeyId: 'any', Description: 'x' })),
      'UnknownOperationException',
    );

    expect(error).toBeInstanceOf(KMSServiceException);
    expect((error as KMSServiceException).$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain('UpdateKeyDescription');
  });

  it('returns modelled errors that the SDK raises as its own exception classes, with the message', async () => {
    const { client } = await startTestKms();

    const error = await expectKmsError(
      client.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })),
      'NotFoundException',
    );

    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.message).toBe(
      "Key 'arn:aws:kms:eu-west-2:000000000000:key/00000000-0000-4000-8000-000000000000' does not exist",
    );
  });

  it('counts requests by operation, failed and unknown ones included', async () => {
    // Prepare
    const { client, kms } = await startTestKms();

    // Act
    const created = await client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId;
    await Promise.all(
      [1, 2, 3].map(() => client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }))),
    );
    await client.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })).catch(() => undefined);
    await client
      .send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'x' }))
      .catch(() => undefined);
    const snapshot = kms.requestCount();
    await client.send(new DescribeKeyCommand({ KeyId: keyId }));

    // Assess
    expect(snapshot).toEqual({ CreateKey: 1, GenerateDataKey: 3, DescribeKey: 1, UpdateKeyDescription: 1 });
    expect(kms.requestCount().DescribeKey).toBe(2);
  });

  it('serves on the requested host and a free port, and stops cleanly', async () => {
    const { kms, client, stop } = await startTestKms({ host: '127.0.0.1', port: 0 });

    expect(kms.endpoint).toBe(`http://127.0.0.1:${kms.port}`);
    expect(kms.port).toBeGreaterThan(0);
    await client.send(new CreateKeyCommand({}));
    await stop();
    await expect(client.send(new CreateKeyCommand({}))).rejects.toThrow();
  });
});
