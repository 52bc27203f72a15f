import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  type KMSClient,
  NotFoundException,
  SignCommand,
} from '@aws-sdk/client-kms';
import type { ConfideServices } from '@confide/api/services';
import {
  type AuditVerification,
  type ChainHead,
  type CheckpointSigner,
  type CheckpointStore,
  checkpointOf,
  signCheckpoint,
  type TenantScope,
} from '@confide/store';

/**
 * The anchored verification of one organisation's access audit (issue 16, capability 3; docs/decisions/0029): verify
 * the hash chains and that every chain only grew from the last signed checkpoint, then, when clean, sign the heads
 * just verified into the next checkpoint. What the verifier function runs on its schedule in AWS and
 * `confide audit verify` runs locally. The verifier is the only producer of checkpoints: one is written only after
 * a clean verification, so a checkpoint never vouches for a tampered log.
 */
export interface AnchoredVerifyOptions {
  readonly store: CheckpointStore;
  readonly signer: CheckpointSigner;
  /**
   * Runs before a failure is reported (default 1). In AWS the day index verify finds partitions through is eventually
   * consistent: an event written a moment before the heads were read may not be found yet. A real tampering fails
   * every run; a lagging index does not.
   */
  readonly attempts?: number;
  readonly pauseMs?: number;
}

export interface AnchoredVerification extends AuditVerification {
  /** Whether this run wrote a new checkpoint (clean, and the chains moved since the last one). */
  readonly checkpointWritten: boolean;
}

export async function anchoredVerify(
  services: ConfideServices,
  scope: TenantScope,
  options: AnchoredVerifyOptions,
): Promise<AnchoredVerification> {
  const attempts = Math.max(1, options.attempts ?? 1);
  for (let attempt = 1; ; attempt++) {
    const outcome = await verifyOnce(services, scope, options);
    if (outcome.ok || attempt >= attempts) return outcome;
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 5_000));
  }
}

async function verifyOnce(
  services: ConfideServices,
  scope: TenantScope,
  { store, signer }: AnchoredVerifyOptions,
): Promise<AnchoredVerification> {
  const latest = await store.latest(scope.orgId);
  const organisation = await services.directory.organisation(scope.orgId);
  const now = services.clock.now();
  let heads: readonly ChainHead[] = [];
  const result = await services.auditLog.verify(scope, {
    now,
    ...(organisation ? { retentionYears: organisation.retention.auditYears } : {}),
    ...(latest ? { checkpoint: { signed: latest, signer } } : {}),
    onHeads: (judged) => {
      heads = judged;
    },
  });
  if (!result.ok) return { ...result, checkpointWritten: false };
  const next = checkpointOf(scope.orgId, now.toISOString(), heads, latest?.checkpoint);
  if (latest && sameChains(latest.checkpoint.chains, next.chains))
    return { ...result, checkpointWritten: false };
  await store.put(await signCheckpoint(signer, next));
  return { ...result, checkpointWritten: true };
}

function sameChains(
  a: readonly { shard: number; seq: number; mac: string }[],
  b: readonly { shard: number; seq: number; mac: string }[],
): boolean {
  return (
    a.length === b.length &&
    a.every(
      (chain, index) =>
        chain.shard === b[index]?.shard && chain.seq === b[index]?.seq && chain.mac === b[index]?.mac,
    )
  );
}

/**
 * Checkpoint signatures by an ECC_NIST_P256 KMS key: `Sign` (ECDSA_SHA_256 over the checkpoint's 32-byte digest,
 * message type RAW), checked offline with the key's public half (`GetPublicKey`, fetched once), so an auditor holding
 * only the public key can check every checkpoint too.
 */
export class KmsCheckpointSigner implements CheckpointSigner {
  #publicKey: Promise<KeyObject> | undefined;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async sign(digest: Uint8Array): Promise<{ signature: Uint8Array; keyId: string }> {
    const result = await this.kms.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: digest,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!result.Signature || !result.KeyId) throw new Error('KMS returned no signature.');
    return { signature: result.Signature, keyId: result.KeyId };
  }

  async verify(digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
    this.#publicKey ??= this.kms
      .send(new GetPublicKeyCommand({ KeyId: this.keyId }))
      .then(({ PublicKey }) =>
        createPublicKey({ key: Buffer.from(PublicKey ?? []), format: 'der', type: 'spki' }),
      );
    const key = await this.#publicKey.catch((error: unknown) => {
      this.#publicKey = undefined;
      throw error;
    });
    return verifySignature('sha256', digest, key, signature);
  }
}

/**
 * The local checkpoint key, by alias, created on first use (ECC_NIST_P256, SIGN_VERIFY). In AWS the key is defined
 * in CDK and only named to the verifier.
 */
export async function localCheckpointKey(kms: KMSClient, alias: string): Promise<string> {
  const existing = async () => {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
    return described.KeyMetadata?.Arn ?? '';
  };
  try {
    return await existing();
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
  }
  const created = await kms.send(
    new CreateKeyCommand({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      Description: 'Confide local: signs audit checkpoints',
    }),
  );
  try {
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: created.KeyMetadata?.KeyId }));
  } catch (error) {
    // Another process named its key first: use that one.
    if (!(error instanceof AlreadyExistsException)) throw error;
  }
  return existing();
}
