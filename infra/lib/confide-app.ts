import type { App } from 'aws-cdk-lib';
import { ConfideApiStack } from './api-stack';
import { ConfideDataStack } from './data-stack';
import { ConfideIdentityStack } from './identity-stack';
import type { StageConfig } from './stage-config';

/** The stacks of one stage. */
export interface ConfideStacks {
  readonly data: ConfideDataStack;
  readonly identity: ConfideIdentityStack;
  readonly api: ConfideApiStack;
}

/**
 * Adds the stacks of one stage to an app: `confide-<stage>-data` and `confide-<stage>-identity` (stateful,
 * protected in prod) and `confide-<stage>-api` (stateless), which gets the tables and the user pool from them.
 *
 * @param account - target account; `undefined` leaves the stacks account-agnostic.
 */
export function addConfideStacks(app: App, config: StageConfig, account?: string): ConfideStacks {
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
  return { data, identity, api };
}
