import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditVerification, ChainHead, StoredChainEvent } from './audit-chain';

/**
 * Anchored audit (issue 16, capability 3; docs/decisions/0029). A checkpoint records, for one organisation, every
 * chain's head and length as a verification found them clean; it is signed with an asymmetric KMS key and kept where
 * the api cannot rewrite it (an S3 bucket with Object Lock in AWS, a write-once folder locally). Each later
 * verification checks that every chain only grew from the last checkpoint: a chain deleted whole, or cut short with
 * a genuine older head put back, no longer verifies clean. This module is pure apart from the local store.
 */

export const CHECKPOINT_FORMAT = 'confide-audit-checkpoint/1';

/** One chain as a checkpoint records it: its length (last position) and the MAC and id of its last event. */
export interface CheckpointChain {
  readonly shard: number;
  readonly seq: number;
  readonly mac: string;
  readonly lastEventId: string;
}

export interface AuditCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly orgId: string;
  /** When the verification it records ran (ISO time). */
  readonly at: string;
  readonly chains: readonly CheckpointChain[];
  /** Events in all chains (the sum of their lengths): only ever grows. */
  readonly events: number;
  /** The digest (hex) of the checkpoint before it, or null for the first: checkpoints form a chain too. */
  readonly previous: string | null;
}

/** A checkpoint with its signature (DER ECDSA_SHA_256 over its digest, base64) and the key that made it. */
export interface SignedCheckpoint {
  readonly checkpoint: AuditCheckpoint;
  readonly signature: string;
  readonly keyId: string;
}

/** Signs and checks checkpoint digests (KMS Sign with ECDSA_SHA_256 in production). */
export interface CheckpointSigner {
  sign(digest: Uint8Array): Promise<{ signature: Uint8Array; keyId: string }>;
  /** True when `signature` is a valid signature of `digest` by the checkpoint key. */
  verify(digest: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** Where checkpoints are kept: written once, never rewritten. */
export interface CheckpointStore {
  /** The organisation's latest checkpoint, or undefined before the first. */
  latest(orgId: string): Promise<SignedCheckpoint | undefined>;
  /** Adds a checkpoint; never replaces one. */
  put(signed: SignedCheckpoint): Promise<void>;
  /** Every organisation that has a checkpoint: those a scheduled run must still find in the registry. */
  organisations(): Promise<string[]>;
}

/** A checkpoint of the heads a clean verification read. */
export function checkpointOf(
  orgId: string,
  at: string,
  heads: readonly ChainHead[],
  previous: AuditCheckpoint | undefined,
): AuditCheckpoint {
  const chains = [...heads]
    .filter((head) => head.seq > 0)
    .sort((a, b) => a.shard - b.shard)
    .map(({ shard, seq, mac, lastEventId }) => ({ shard, seq, mac, lastEventId }));
  return {
    format: CHECKPOINT_FORMAT,
    orgId,
    at,
    chains,
    events: chains.reduce((sum, chain) => sum + chain.seq, 0),
    previous: previous ? checkpointDigest(previous).toString('hex') : null,
  };
}

/** The bytes a checkpoint's signature covers: JSON of a fixed-order array, so no two checkpoints share one. */
export function canonicalCheckpoint(checkpoint: AuditCheckpoint): string {
  return JSON.stringify([
    checkpoint.format,
    checkpoint.orgId,
    checkpoint.at,
    checkpoint.events,
    checkpoint.previous,
    checkpoint.chains.map((chain) => [chain.shard, chain.seq, chain.mac, chain.lastEventId]),
  ]);
}

/** SHA-256 of the canonical checkpoint: what is signed (KMS message type RAW of these 32 bytes). */
export function checkpointDigest(checkpoint: AuditCheckpoint): Buffer {
  return createHash('sha256').update(canonicalCheckpoint(checkpoint)).digest();
}

export async function signCheckpoint(
  signer: CheckpointSigner,
  checkpoint: AuditCheckpoint,
): Promise<SignedCheckpoint> {
  const { signature, keyId } = await signer.sign(checkpointDigest(checkpoint));
  return { checkpoint, signature: Buffer.from(signature).toString('base64'), keyId };
}

/** A problem a checkpoint reveals, in the terms of audit-chain.ts's problems. */
export interface AnchorProblem {
  readonly at: string;
  readonly eventId: string;
  readonly reason: string;
}

/**
 * What a checkpoint reveals about the current chains: its signature must hold and name this organisation, and every
 * chain it recorded must still be there, at least as long, and the same chain (its event at the recorded position,
 * when still stored, or its head at the same length, carries the recorded MAC). Gaps and altered events after the
 * checkpoint are verify's own business (audit-chain.ts).
 */
export async function checkAgainstCheckpoint(
  signer: CheckpointSigner,
  orgId: string,
  signed: SignedCheckpoint,
  heads: readonly ChainHead[],
  stored: readonly StoredChainEvent[],
): Promise<AnchorProblem[]> {
  const { checkpoint } = signed;
  const valid =
    checkpoint.format === CHECKPOINT_FORMAT &&
    checkpoint.orgId === orgId &&
    (await signer
      .verify(checkpointDigest(checkpoint), Buffer.from(signed.signature, 'base64'))
      .catch(() => false));
  if (!valid) {
    return [
      {
        at: checkpoint.at ?? '',
        eventId: `checkpoint ${checkpoint.at}`,
        reason: 'altered: the latest checkpoint does not carry a valid signature for this organisation',
      },
    ];
  }
  const problems: AnchorProblem[] = [];
  const headOf = new Map(heads.map((head) => [head.shard, head]));
  const macAt = new Map<string, string>();
  for (const { link } of stored) if (link) macAt.set(`${link.shard}:${link.seq}`, link.mac);
  const recorded = `the checkpoint of ${checkpoint.at} recorded`;
  for (const chain of checkpoint.chains) {
    const head = headOf.get(chain.shard);
    if (!head || head.seq === 0) {
      problems.push({
        at: checkpoint.at,
        eventId: chain.lastEventId,
        reason: `deleted: chain ${chain.shard} is gone (${recorded} ${chain.seq} events)`,
      });
    } else if (head.seq < chain.seq) {
      problems.push({
        at: checkpoint.at,
        eventId: chain.lastEventId,
        reason: `rolled back: the head of chain ${chain.shard} is at position ${head.seq}; ${recorded} ${chain.seq}`,
      });
    } else {
      const mac = head.seq === chain.seq ? head.mac : macAt.get(`${chain.shard}:${chain.seq}`);
      if (mac !== undefined && mac !== chain.mac) {
        problems.push({
          at: checkpoint.at,
          eventId: chain.lastEventId,
          reason: `altered: chain ${chain.shard} at position ${chain.seq} is not the chain ${recorded}`,
        });
      }
    }
  }
  return problems;
}

/**
 * Exactness under load: the events verify may judge are those the heads it read first account for. An event read
 * beyond that head but within the head read after the events was written while verify ran (its chain moved on); it
 * is left to the next run, not reported as inserted. Anything beyond the later head is still reported.
 */
export function withinSnapshot(
  stored: readonly StoredChainEvent[],
  heads: readonly ChainHead[],
  laterHeads: readonly ChainHead[],
): StoredChainEvent[] {
  const first = new Map(heads.map((head) => [head.shard, head.seq]));
  const later = new Map(laterHeads.map((head) => [head.shard, head.seq]));
  return stored.filter(({ link }) => {
    if (!link) return true;
    const before = first.get(link.shard) ?? 0;
    return !(link.seq > before && link.seq <= (later.get(link.shard) ?? 0));
  });
}

/**
 * The local stand-in for the Object Lock bucket: one file per checkpoint under `<dir>/<orgId>/`, created exclusively
 * (an existing name is never overwritten) and read-only. Named by time, so the latest is the last name. The api never
 * receives this folder: only the verifier (`confide audit verify`) writes it.
 */
export class FileCheckpointStore implements CheckpointStore {
  constructor(private readonly dir: string) {}

  async latest(orgId: string): Promise<SignedCheckpoint | undefined> {
    const folder = join(this.dir, safeName(orgId));
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const last = names
      .filter((name) => name.endsWith('.json'))
      .sort()
      .at(-1);
    if (!last) return undefined;
    return JSON.parse(await readFile(join(folder, last), 'utf8')) as SignedCheckpoint;
  }

  async organisations(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  }

  async put(signed: SignedCheckpoint): Promise<void> {
    const folder = join(this.dir, safeName(signed.checkpoint.orgId));
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const name = `${signed.checkpoint.at.replace(/[:.]/g, '-')}.json`;
    const handle = await open(join(folder, name), 'wx', 0o400);
    try {
      await handle.writeFile(`${JSON.stringify(signed)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

function safeName(orgId: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(orgId)) throw new Error('Not an organisation id.');
  return orgId;
}

/** A verification's result with what the checkpoint revealed: the chains' own first problem stays first. */
export function withAnchorProblems(
  result: AuditVerification,
  problems: readonly AnchorProblem[],
): AuditVerification {
  const [first] = problems;
  if (!first) return result;
  if (!result.ok) return { ...result, problems: result.problems + problems.length };
  return {
    ok: false,
    checked: result.checked,
    firstBadEvent: first.eventId,
    reason: first.reason,
    problems: result.problems + problems.length,
  };
}
