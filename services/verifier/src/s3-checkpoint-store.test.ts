import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CHECKPOINT_FORMAT, type SignedCheckpoint } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { S3CheckpointStore } from './s3-checkpoint-store';

/** An S3 stand-in that keeps objects in memory and lists keys in ascending order, as S3 does. */
function memoryS3(): { client: S3Client; puts: PutObjectCommand[] } {
  const objects = new Map<string, string>();
  const puts: PutObjectCommand[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof PutObjectCommand) {
        puts.push(command);
        const key = command.input.Key ?? '';
        if (command.input.IfNoneMatch === '*' && objects.has(key)) throw new Error('PreconditionFailed');
        objects.set(key, String(command.input.Body));
        return {};
      }
      if (command instanceof ListObjectsV2Command) {
        const keys = [...objects.keys()].filter((key) => key.startsWith(command.input.Prefix ?? '')).sort();
        return { Contents: keys.slice(0, command.input.MaxKeys ?? 1000).map((Key) => ({ Key })) };
      }
      if (command instanceof GetObjectCommand) {
        const body = objects.get(command.input.Key ?? '');
        return { Body: { transformToString: async () => body } };
      }
      throw new Error('Unexpected command');
    },
  } as unknown as S3Client;
  return { client, puts };
}

const signed = (orgId: string, at: string): SignedCheckpoint => ({
  checkpoint: { format: CHECKPOINT_FORMAT, orgId, at, chains: [], events: 0, previous: null },
  signature: 'c2ln',
  keyId: 'arn:aws:kms:eu-west-2:123456789012:key/x',
});

describe('S3CheckpointStore (the Object Lock bucket)', () => {
  it('answers the latest checkpoint of an organisation with one listing of one key', async () => {
    // Prepare
    const { client } = memoryS3();
    const store = new S3CheckpointStore(client, 'checkpoints-bucket');
    for (const at of ['2030-01-01T09:00:00.000Z', '2030-03-01T09:00:00.000Z', '2030-02-01T09:00:00.000Z']) {
      await store.put(signed('org_a', at));
    }
    await store.put(signed('org_b', '2031-01-01T00:00:00.000Z'));

    // Act
    const latest = await store.latest('org_a');
    const none = await store.latest('org_c');

    // Assess
    expect(latest?.checkpoint.at).toBe('2030-03-01T09:00:00.000Z');
    expect(none).toBeUndefined();
  });

  it('never replaces an object, and sends the checksum Object Lock requires', async () => {
    const { client, puts } = memoryS3();
    const store = new S3CheckpointStore(client, 'checkpoints-bucket');

    await store.put(signed('org_a', '2030-01-01T09:00:00.000Z'));
    const again = store.put(signed('org_a', '2030-01-01T09:00:00.000Z'));

    await expect(again).rejects.toThrow('PreconditionFailed');
    expect(puts[0]?.input).toMatchObject({
      Bucket: 'checkpoints-bucket',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(puts[0]?.input.Key).toMatch(/^checkpoints\/org_a\/\d{14}-2030-01-01T09:00:00\.000Z\.json$/);
  });
});
