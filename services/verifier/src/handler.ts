import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { type ConfideServices, configFromEnv, createServices } from '@confide/api';
import { confideMetrics, publishMetric } from '@confide/api/metrics';
import { tenantScope } from '@confide/store';
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

/**
 * The verifier Lambda, on an EventBridge schedule: verifies every organisation's access audit against its chains and
 * its last checkpoint, writes the next checkpoint after each clean run, and publishes the number of organisations
 * whose audit failed (an EMF metric; the `audit-verification` alarm fires on one). Logs organisation.orgIds, event ids
 * and reasons only: never event content. Its role reads the tables and may write nothing but checkpoints.
 */
export async function handler(): Promise<{ organisations: number; failed: number }> {
  const { services, store, signer } = dependencies();
  const organisations = await services.directory.listOrganisations();
  let failed = 0;
  for (const organisation of organisations) {
    if (organisation.status !== 'ACTIVE') continue;
    try {
      const result = await anchoredVerify(services, tenantScope(organisation.orgId), {
        store,
        signer,
        attempts: 2,
        pauseMs: 10_000,
      });
      if (!result.ok) failed++;
      log(result.ok ? 'INFO' : 'ERROR', 'Audit verified', {
        orgId: organisation.orgId,
        ok: result.ok,
        checked: result.checked,
        problems: result.problems,
        firstBadEvent: result.firstBadEvent,
        reason: result.reason,
        checkpointWritten: result.checkpointWritten,
      });
    } catch (error) {
      failed++;
      log('ERROR', 'Audit verification could not run', {
        orgId: organisation.orgId,
        error: error instanceof Error ? error.name : 'Error',
      });
    }
  }
  // CloudWatch embedded metric format: the log line is the metric (every run, 0 included: the verifier-silent alarm
  // watches that it keeps coming).
  publishMetric(confideMetrics.auditVerificationFailures, failed);
  return { organisations: organisations.length, failed };
}

function log(level: 'INFO' | 'ERROR', message: string, detail: Record<string, unknown>): void {
  console.log(JSON.stringify({ level, message, service: SERVICE, ...detail }));
}
