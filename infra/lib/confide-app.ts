import { type App, Tags } from 'aws-cdk-lib';
import { ConfideApiStack } from './api-stack';
import { ConfideConsoleStack } from './console-stack';
import { ConfideDataStack } from './data-stack';
import { ConfideIdentityStack } from './identity-stack';
import type { StageConfig } from './stage-config';

/**
 * The tags on every resource of a stage. The classification is the highest of what the stage stores: special
 * category personal data (UK GDPR article 9: health, safeguarding) under a duty of confidence.
 */
export function confideTags(config: StageConfig): Readonly<Record<string, string>> {
  return { application: 'confide', stage: config.stage, 'data-classification': 'special-category' };
}

/** The stacks of one stage. */
export interface ConfideStacks {
  readonly data: ConfideDataStack;
  readonly identity: ConfideIdentityStack;
  readonly api: ConfideApiStack;
  readonly console: ConfideConsoleStack;
}

/**
 * Adds the stacks of one stage to an app: `confide-<stage>-data` and `confide-<stage>-identity` (stateful,
 * protected in prod), `confide-<stage>-api` (stateless), which gets the tables and the user pool from them, and
 * `confide-<stage>-console` (stateless), the governance console in front of the api.
 *
 * @param account - target account; `undefined` leaves the stacks account-agnostic.
 */
export function addConfideStacks(app: App, config: StageConfig, account?: string): ConfideStacks {
  // Every resource says what it belongs to and what it may hold (cost allocation, access reviews, data inventory).
  for (const [key, value] of Object.entries(confideTags(config))) Tags.of(app).add(key, value);
  const env = { account, region: config.region };
  const data = new ConfideDataStack(app, `ConfideData-${config.stage}`, {
    stackName: `confide-${config.stage}-data`,
    description: `Confide ${config.stage}: data and key tables (stateful)`,
    env,
    terminationProtection: config.deletionProtection,
    config,
  });
  const identity = new ConfideIdentityStack(app, `ConfideIdentity-${config.stage}`, {
    stackName: `confide-${config.stage}-identity`,
    description: `Confide ${config.stage}: Cognito user pool and app clients (stateful)`,
    env,
    terminationProtection: config.deletionProtection,
    config,
    breakGlassRole: data.breakGlassRole,
  });
  const api = new ConfideApiStack(app, `ConfideApi-${config.stage}`, {
    stackName: `confide-${config.stage}-api`,
    description: `Confide ${config.stage}: GraphQL API, provisioner, retention, alarms (stateless)`,
    env,
    config,
    dataTable: data.dataTable,
    keyTable: data.keyTable,
    identity: identity.identity,
    preTokenFunction: identity.preToken.function,
    breakGlassRole: data.breakGlassRole,
  });
  const governanceConsole = new ConfideConsoleStack(app, `ConfideConsole-${config.stage}`, {
    stackName: `confide-${config.stage}-console`,
    description: `Confide ${config.stage}: governance console on S3 and CloudFront, its Cognito app client (stateless)`,
    env,
    config,
    identity: identity.identity,
    httpApi: api.httpApi,
  });
  return { data, identity, api, console: governanceConsole };
}
