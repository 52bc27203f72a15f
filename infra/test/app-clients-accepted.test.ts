import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStage } from './synth-stage';

/**
 * Every app client a stage makes in its user pool is one whose access tokens the api accepts (decisions 0107, 0108).
 * The governance console's client once was not: it was made in the console stack and never given to the api, and the
 * deployed console was refused on every request while each stack's own tests passed. A client added later must be
 * wired too, or this fails.
 */
describe.each(['dev', 'prod'] as const)('%s: the app clients of the user pool', (stage) => {
  it('are each accepted by the api: listed in its environment, or named by the parameter it reads', () => {
    // Prepare
    const { stacks } = buildStage(stage);
    const identity = Template.fromStack(stacks.identity);
    const governanceConsole = Template.fromStack(stacks.console);
    const api = Template.fromStack(stacks.api);
    const apiFunction = Object.values(api.findResources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.FunctionName === `confide-${stage}-api`,
    );
    const variables = apiFunction?.Properties.Environment.Variables as Record<string, unknown>;
    const listed = JSON.stringify(variables.CONFIDE_JWT_CLIENT_IDS);
    const parameterName = variables.CONFIDE_JWT_CLIENT_IDS_PARAMETER;

    // Act: the clients of each stack, and what accepts each.
    const identityClients = Object.keys(identity.findResources('AWS::Cognito::UserPoolClient'));
    const consoleClients = Object.keys(governanceConsole.findResources('AWS::Cognito::UserPoolClient'));
    const named = Object.values(
      governanceConsole.findResources('AWS::SSM::Parameter', { Properties: { Name: parameterName } }),
    ).map((parameter) => JSON.stringify(parameter.Properties.Value));

    // Assess: the identity stack's clients are in the api's list (imported from that stack); the console's are named
    // by the parameter the api reads.
    expect(identityClients.length).toBeGreaterThanOrEqual(3);
    for (const client of identityClients) expect(listed, client).toContain(client);
    expect(consoleClients.length).toBeGreaterThanOrEqual(1);
    for (const client of consoleClients) expect(named.join(' '), client).toContain(client);
  });
});
