import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListResourceTagsCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createTestClock, expectKmsError, startTestKms } from './local-kms-fixture.js';

const ARN_PATTERN = /^arn:aws:kms:eu-west-2:000000000000:key\/[0-9a-f-]{36}$/;

describe('keys and aliases', () => {
  it('creates a key with an alias and describes it by key id, key ARN, alias name and alias ARN', async () => {
    // Prepare
    const clock = createTestClock();
    const { client } = await startTestKms({ now: clock.now });

    // Act
    const created = await client.send(new CreateKeyCommand({ Description: 'org-1 key' }));
    const keyId = created.KeyMetadata?.KeyId ?? '';
    await client.send(new CreateAliasCommand({ AliasName: 'alias/confide/dev/org-1', TargetKeyId: keyId }));

    // Assess
    expect(created.KeyMetadata).toMatchObject({
      AWSAccountId: '000000000000',
      KeyId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      Arn: expect.stringMatching(ARN_PATTERN),
      Description: 'org-1 key',
      KeyState: 'Enabled',
      Enabled: true,
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      CreationDate: clock.now(),
    });
    const arn = created.KeyMetadata?.Arn ?? '';
    for (const identifier of [
      keyId,
      arn,
      'alias/confide/dev/org-1',
      'arn:aws:kms:eu-west-2:000000000000:alias/confide/dev/org-1',
    ]) {
      const described = await client.send(new DescribeKeyCommand({ KeyId: identifier }));
      expect(described.KeyMetadata, identifier).toMatchObject({
        KeyId: keyId,
        Arn: arn,
        KeyState: 'Enabled',
      });
      expect(described.KeyMetadata?.DeletionDate).toBeUndefined();
    }
  });

  it('stores the key policy and tags given at creation, and tags added later', async () => {
    // Prepare
    const { client } = await startTestKms();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:*' }],
    });
    const created = await client.send(
      new CreateKeyCommand({
        Policy: policy,
        Tags: [
          { TagKey: 'orgId', TagValue: 'org-1' },
          { TagKey: 'stage', TagValue: 'dev' },
        ],
      }),
    );
    const keyId = created.KeyMetadata?.KeyId ?? '';

    // Act
    await client.send(
      new TagResourceCommand({
        KeyId: keyId,
        Tags: [
          { TagKey: 'stage', TagValue: 'test' },
          { TagKey: 'owner', TagValue: 'platform' },
        ],
      }),
    );

    // Assess
    const stored = await client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
    expect(stored.Policy).toBe(policy);
    const tags = await client.send(new ListResourceTagsCommand({ KeyId: keyId }));
    expect(tags.Tags).toEqual([
      { TagKey: 'orgId', TagValue: 'org-1' },
      { TagKey: 'stage', TagValue: 'test' },
      { TagKey: 'owner', TagValue: 'platform' },
    ]);
  });

  it('refuses reserved tag keys with TagException and malformed policies with MalformedPolicyDocumentException', async () => {
    const { client } = await startTestKms();

    await expectKmsError(
      client.send(new CreateKeyCommand({ Tags: [{ TagKey: 'aws:owner', TagValue: 'x' }] })),
      'TagException',
    );
    await expectKmsError(
      client.send(new CreateKeyCommand({ Policy: 'not json' })),
      'MalformedPolicyDocumentException',
    );
  });

  it('refuses key types it cannot serve with UnsupportedOperationException', async () => {
    const { client } = await startTestKms();

    await expectKmsError(
      client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })),
      'UnsupportedOperationException',
    );
  });

  it('refuses a second alias with the same name with AlreadyExistsException', async () => {
    // Prepare
    const { client } = await startTestKms();
    const first = await client.send(new CreateKeyCommand({}));
    const second = await client.send(new CreateKeyCommand({}));
    await client.send(
      new CreateAliasCommand({ AliasName: 'alias/shared', TargetKeyId: first.KeyMetadata?.KeyId }),
    );

    // Act
    const error = await expectKmsError(
      client.send(
        new CreateAliasCommand({ AliasName: 'alias/shared', TargetKeyId: second.KeyMetadata?.KeyId }),
      ),
      'AlreadyExistsException',
    );

    // Assess
    expect(error.message).toContain('alias/shared');
    const described = await client.send(new DescribeKeyCommand({ KeyId: 'alias/shared' }));
    expect(described.KeyMetadata?.KeyId).toBe(first.KeyMetadata?.KeyId);
  });

  it('refuses alias names without the alias/ prefix or in the reserved alias/aws/ space', async () => {
    const { client } = await startTestKms();
    const created = await client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId;

    await expectKmsError(
      client.send(new CreateAliasCommand({ AliasName: 'confide/org-1', TargetKeyId: keyId })),
      'InvalidAliasNameException',
    );
    await expectKmsError(
      client.send(new CreateAliasCommand({ AliasName: 'alias/aws/s3', TargetKeyId: keyId })),
      'InvalidAliasNameException',
    );
    await expectKmsError(
      client.send(new CreateAliasCommand({ AliasName: 'alias/has space', TargetKeyId: keyId })),
      'ValidationException',
    );
  });

  it('says NotFoundException for unknown keys, unknown aliases and ARNs of another region or account', async () => {
    const { client } = await startTestKms();
    const created = await client.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId ?? '';

    await expectKmsError(
      client.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })),
      'NotFoundException',
    );
    await expectKmsError(
      client.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })),
      'NotFoundException',
    );
    await expectKmsError(
      client.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:us-east-1:000000000000:key/${keyId}` })),
      'NotFoundException',
    );
    await expectKmsError(
      client.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:eu-west-2:111111111111:key/${keyId}` })),
      'NotFoundException',
    );
    await expectKmsError(
      client.send(new CreateAliasCommand({ AliasName: 'alias/orphan', TargetKeyId: 'no-such-key' })),
      'NotFoundException',
    );
  });

  it('lists aliases, all of them or those of one key, a page at a time', async () => {
    // Prepare
    const { client } = await startTestKms();
    const first = await client.send(new CreateKeyCommand({}));
    const second = await client.send(new CreateKeyCommand({}));
    const firstKeyId = first.KeyMetadata?.KeyId;
    await client.send(new CreateAliasCommand({ AliasName: 'alias/b', TargetKeyId: firstKeyId }));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/a', TargetKeyId: firstKeyId }));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/c', TargetKeyId: second.KeyMetadata?.Arn }));

    // Act
    const all = await client.send(new ListAliasesCommand({}));
    const ofFirst = await client.send(new ListAliasesCommand({ KeyId: firstKeyId }));
    const page1 = await client.send(new ListAliasesCommand({ Limit: 2 }));
    const page2 = await client.send(new ListAliasesCommand({ Limit: 2, Marker: page1.NextMarker }));

    // Assess
    expect(all.Aliases?.map((alias) => alias.AliasName)).toEqual(['alias/a', 'alias/b', 'alias/c']);
    expect(all.Aliases?.[0]).toMatchObject({
      AliasArn: 'arn:aws:kms:eu-west-2:000000000000:alias/a',
      TargetKeyId: firstKeyId,
    });
    expect(all.Truncated).toBe(false);
    expect(ofFirst.Aliases?.map((alias) => alias.AliasName)).toEqual(['alias/a', 'alias/b']);
    expect(page1.Aliases?.map((alias) => alias.AliasName)).toEqual(['alias/a', 'alias/b']);
    expect(page1.Truncated).toBe(true);
    expect(page2.Aliases?.map((alias) => alias.AliasName)).toEqual(['alias/c']);
    expect(page2.Truncated).toBe(false);
  });

  it('puts the configured region in the ARNs it issues and accepts', async () => {
    const { client } = await startTestKms({ region: 'eu-west-1' });

    const created = await client.send(new CreateKeyCommand({}));
    const arn = created.KeyMetadata?.Arn ?? '';

    expect(arn).toMatch(/^arn:aws:kms:eu-west-1:000000000000:key\//);
    const described = await client.send(new DescribeKeyCommand({ KeyId: arn }));
    expect(described.KeyMetadata?.Arn).toBe(arn);
  });
});
