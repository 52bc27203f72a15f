import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CheckpointStore, SignedCheckpoint } from '@confide/store';

/** Newest first under a prefix: S3 lists keys in ascending order, so the key carries the time inverted. */
const LATEST_FIRST = 10_000_000_000_000;

/**
 * Checkpoints in the stage's Object Lock bucket (COMPLIANCE mode, default retention set on the bucket in CDK): once
 * written, no one — the verifier, an administrator or the account root — can delete or overwrite a version until its
 * retention ends. Keys `checkpoints/<orgId>/<inverted time>-<time>.json`, so the first key listed is the latest.
 */
export class S3CheckpointStore implements CheckpointStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async latest(orgId: string): Promise<SignedCheckpoint | undefined> {
    const listed = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `checkpoints/${orgId}/`, MaxKeys: 1 }),
    );
    const key = listed.Contents?.[0]?.Key;
    if (!key) return undefined;
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse((await object.Body?.transformToString('utf-8')) ?? '') as SignedCheckpoint;
  }

  async organisations(): Promise<string[]> {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const listed = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: 'checkpoints/',
          Delimiter: '/',
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const prefix of listed.CommonPrefixes ?? []) {
        const orgId = prefix.Prefix?.slice('checkpoints/'.length, -1);
        if (orgId) found.push(orgId);
      }
      token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async put(signed: SignedCheckpoint): Promise<void> {
    const at = Date.parse(signed.checkpoint.at);
    const inverted = String(LATEST_FIRST - at).padStart(14, '0');
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `checkpoints/${signed.checkpoint.orgId}/${inverted}-${signed.checkpoint.at}.json`,
        Body: JSON.stringify(signed),
        ContentType: 'application/json',
        // Object Lock needs an integrity checksum on every write.
        ChecksumAlgorithm: 'SHA256',
        // Never replace an object already there (a second run in the same millisecond).
        IfNoneMatch: '*',
      }),
    );
  }
}
