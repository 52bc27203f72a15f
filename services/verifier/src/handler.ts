import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { configFromEnv } from '@confide/api/config';
import { confideMetrics, publishMetric } from '@confide/api/metrics';
import { type ConfideServices, createServices } from '@confide/api/services';
import { type OrgId, validate } from '@confide/domain';
import { keyEnabled } from '@confide/keys';
import { type CheckpointSigner, type CheckpointStore, tenantScope } from '@confide/store';
import { anchoredVerify, KmsCheckpointSigner } from './anchored-verify';
import { S3CheckpointStore } from './s3-checkpoint-store';

/** The metric the audit-verification alarm watches (namespace `Confide`, dimension `service=confide-verifier`). */
export const VERIFICATION_FAILURES_METRIC = confideMetrics.auditVerificationFailures.name;
/** Set by CDK (infra/constructs/audit-anchor.ts). */
export const CHECKPOINT_BUCKET_ENVIRONMENT = 'CONFIDE_CHECKPOINT_BUCKET';
export const CHECKPOINT_KEY_ENVIRONMENT = 'CONFIDE_CHECKPOINT_KEY_ARN';

/** The Powertools service name CDK gives the function: the metric's `service` dimension. */
const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'confide-verifier';

let built: { services: ConfideServices; store: S3CheckpointStore; signer: KmsCheckpointSigner } | undefined;

function dependencies(env: NodeJS.ProcessEnv = process.env) {
  if (built) return built;
  const bucket = env[CHECKPOINT_BUCKET_ENVIRONMENT];
  const keyArn = env[CHECKPOINT_KEY_ENVIRONMENT];
  if (!bucket || !keyArn) throw new Error('The verifier needs its checkpoint bucket and key.');
  const region = env.AWS_REGION ?? 'eu-west-2';
  built = {
    services: createServices(configFromEnv(env)),
    store: new S3CheckpointStore(new S3Client({ region }), bucket),
    signer: new KmsCheckpointSigner(new KMSClient({ region }), keyArn),
  };
  return built;
}

/** What verifying one organisation found: ids, counts and reasons only. */
export interface OrganisationVerification {
  readonly orgId: string;
  readonly ok: boolean;
  readonly checked: number;
  readonly problems: number;
  readonly firstBadEvent?: string | undefined;
  readonly reason?: string | undefined;
  readonly checkpointWritten?: boolean | undefined;
}

/** The verifier's answer: how many organisations it verified and how many failed, with each one's result. */
export interface VerifierAnswer {
  readonly organisations: number;
  readonly failed: number;
  readonly results: readonly OrganisationVerification[];
}

/**
 * The organisation an operator asked about (`confide audit verify --stage <s> --org <slug>`): undefined for the
 * schedule's event, which names none; null when the event names one that cannot be a slug. An event that names an
 * organisation is answered for that one alone, never for all of them instead.
 */
function requestedSlug(event: unknown): string | null | undefined {
  if (typeof event !== 'object' || event === null || !('slug' in event)) return undefined;
  const slug = (event as { slug?: unknown }).slug;
  if (typeof slug !== 'string') return null;
  try {
    return validate.slug(['slug'], slug);
  } catch {
    return null;
  }
}

/**
 * Verifies every active organisation's audit (the schedule's event), or only the one an operator names by slug
 * (`{ "slug": "…" }`), checkpointing each clean one; publishes the number that failed. The Lambda's own dependencies
 * are S3 and KMS; tests give the same run a local checkpoint store.
 */
export async function runVerifier(
  deps: {
    services: ConfideServices;
    store: CheckpointStore;
    signer: CheckpointSigner;
    pauseMs?: number;
    /** Whether an organisation's key is enabled (by default, KMS asked by the key's alias). */
    keyEnabled?: (orgId: OrgId) => Promise<boolean>;
  },
  event: unknown,
): Promise<VerifierAnswer> {
  const { services, store, signer } = deps;
  const enabled =
    deps.keyEnabled ??
    ((orgId: OrgId) => keyEnabled(services.kms, `${services.config.kms.aliasPrefix}${orgId}`));
  const slug = requestedSlug(event);
  let organisations: { orgId: OrgId; status: string }[];
  if (slug === null) {
    organisations = [];
  } else if (slug !== undefined) {
    // As the schedule does, only an active organisation: an offboarded one's key is going, and its audit with it.
    const orgId = await services.directory.organisationIdBySlug(slug);
    const stored = orgId ? await services.directory.storedOrganisation(orgId) : undefined;
    organisations = stored ? [stored] : [];
  } else {
    organisations = await services.directory.listOrganisations();
  }
  let failed = 0;
  const results: OrganisationVerification[] = [];
  const verify = async (organisation: { orgId: OrgId }) => {
    try {
      const result = await anchoredVerify(services, tenantScope(organisation.orgId), {
        store,
        signer,
        attempts: 2,
        pauseMs: deps.pauseMs ?? 10_000,
      });
      if (!result.ok) failed++;
      const verification = {
        orgId: organisation.orgId,
        ok: result.ok,
        checked: result.checked,
        problems: result.problems,
        firstBadEvent: result.firstBadEvent,
        reason: result.reason,
        checkpointWritten: result.checkpointWritten,
      };
      results.push(verification);
      log(result.ok ? 'INFO' : 'ERROR', 'Audit verified', verification);
    } catch (error) {
      failed++;
      results.push({
        orgId: organisation.orgId,
        ok: false,
        checked: 0,
        problems: 1,
        reason: 'could not run',
      });
      log('ERROR', 'Audit verification could not run', {
        orgId: organisation.orgId,
        error: error instanceof Error ? error.name : 'Error',
      });
    }
  };
  for (const organisation of organisations) {
    if (organisation.status === 'ACTIVE') await verify(organisation);
  }
  if (slug === undefined) {
    // The registry is not signed: an organisation deleted from it below the application would drop out of every run
    // unreported. One the checkpoints know and the registry does not is a failure (its audit goes unverified).
    // A listing that fails is a failure of the run too, and never stops the failures found so far being published.
    const checkpointed = await store.organisations().catch((error: unknown) => {
      failed++;
      log('ERROR', 'Checkpointed organisations could not be listed', {
        error: error instanceof Error ? error.name : 'Error',
      });
      return [] as string[];
    });
    const statusOf = new Map(
      organisations.map((organisation) => [organisation.orgId as string, organisation.status]),
    );
    const unverified = (orgId: string, reason: string) => {
      failed++;
      results.push({ orgId: orgId as OrgId, ok: false, checked: 0, problems: 1, reason });
      log('ERROR', 'Audit verification could not run', { orgId, reason });
    };
    for (const orgId of checkpointed) {
      const status = statusOf.get(orgId);
      if (status === undefined) {
        unverified(orgId, 'not in the registry');
        continue;
      }
      if (status === 'ACTIVE') continue;
      // Nor is the organisation's status signed: one rewritten OFFBOARDED below the application would be skipped in
      // every run. Only KMS rights change a key's state, so an organisation whose key is still enabled is verified
      // whatever its status says: a status rewritten below the application, an offboarding that did not finish, or a
      // key an operator cancelled the deletion of and enabled again to export the records. A key disabled, pending
      // deletion or deleted opens no audit: offboarding's, passed by.
      const inUse = await enabled(orgId as OrgId).catch((error: unknown) => {
        log('ERROR', 'Organisation key state could not be read', {
          orgId,
          error: error instanceof Error ? error.name : 'Error',
        });
        return undefined;
      });
      if (inUse === undefined) unverified(orgId, 'could not run');
      else if (inUse) await verify({ orgId: orgId as OrgId });
    }
  }
  // CloudWatch embedded metric format: the log line is the metric (every run, 0 included: the verifier-silent alarm
  // watches that it keeps coming).
  publishMetric(confideMetrics.auditVerificationFailures, failed);
  return { organisations: results.length, failed, results };
}

/**
 * The verifier Lambda, on an EventBridge schedule and for operators (`confide audit verify --stage`): verifies every
 * organisation's access audit (or the one named) against its chains and its last checkpoint, writes the next
 * checkpoint after each clean run, and publishes the number of organisations whose audit failed (an EMF metric; the
 * `audit-verification` alarm fires on one). Logs organisation ids, event ids and reasons only: never event content.
 * Its role reads the tables and may write nothing but checkpoints.
 */
export async function handler(event?: unknown): Promise<VerifierAnswer> {
  return runVerifier(dependencies(), event);
}

function log(level: 'INFO' | 'ERROR', message: string, detail: Record<string, unknown>): void {
  console.log(JSON.stringify({ level, message, service: SERVICE, ...detail }));
}
