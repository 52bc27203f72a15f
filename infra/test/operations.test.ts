import { type App, CfnResource, Stack, TagManager } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthStage } from './synth-stage';

describe('operating in AWS (issue 20)', () => {
  const prod = synthStage('prod');

  it('lets browsers send X-Access-Purpose and X-Request-Id through API Gateway and read Retry-After', () => {
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowHeaders: ['authorization', 'content-type', 'x-access-purpose', 'x-request-id'],
        ExposeHeaders: ['retry-after'],
        AllowCredentials: false,
      },
    });
  });

  it('tags every taggable resource of every stack with the application, the stage and the data classification', () => {
    const untagged: string[] = [];
    let checked = 0;
    const visit = (construct: IConstruct): void => {
      if (CfnResource.isCfnResource(construct) && TagManager.isTaggable(construct)) {
        checked++;
        const tags = construct.tags.tagValues();
        if (
          tags.application !== 'confide' ||
          tags.stage !== 'prod' ||
          tags['data-classification'] !== 'special-category'
        ) {
          untagged.push(
            `${Stack.of(construct).stackName}/${construct.node.path} ${construct.cfnResourceType}`,
          );
        }
      }
      for (const child of construct.node.children) visit(child);
    };
    visit(prod.app as App);
    expect(checked).toBeGreaterThan(20);
    expect(untagged).toEqual([]);
    // And in the template CloudFormation receives (a Lambda function and the data table, for instance).
    for (const [template, type] of [
      [prod.api, 'AWS::Lambda::Function'],
      [prod.data, 'AWS::DynamoDB::GlobalTable'],
    ] as const) {
      for (const resource of Object.values(template.findResources(type))) {
        type Tagged = { Tags?: { Key: string; Value: string }[] };
        const properties = resource.Properties as Tagged & { Replicas?: Tagged[] };
        // A global table carries its tags on each replica.
        const tags = properties.Tags ?? properties.Replicas?.[0]?.Tags ?? [];
        expect(tags).toEqual(
          expect.arrayContaining([
            { Key: 'application', Value: 'confide' },
            { Key: 'stage', Value: 'prod' },
            { Key: 'data-classification', Value: 'special-category' },
          ]),
        );
      }
    }
  });

  it('adds a dashboard with the API, integrity, emergency access, KMS and retention metrics', () => {
    const dashboards = Object.values(prod.api.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const properties = dashboards[0]?.Properties as { DashboardName: string; DashboardBody: unknown };
    expect(properties.DashboardName).toBe('confide-prod');
    const body = JSON.stringify(properties.DashboardBody);
    for (const metric of [
      '"AWS/ApiGateway","Count"',
      '"AWS/ApiGateway","5xx"',
      '"AWS/ApiGateway","Latency"',
      '"Confide","IntegrityIncidents"',
      '"Confide","EmergencyAccessOpened"',
      '"Confide","KmsErrors"',
      '"Confide","TamperingRefused"',
      '"Confide","AuditVerificationFailures"',
      '"AWS/Lambda","IteratorAge"',
      '"AWS/SQS","ApproximateNumberOfMessagesVisible"',
    ]) {
      expect(body.replaceAll('\\"', '"'), metric).toContain(metric);
    }
  });

  it('shows the operators’ functions on the dashboard: the provisioner, the verifier and the transfer function', () => {
    const [dashboard] = Object.values(prod.api.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody).replaceAll('\\', '');
    const functionIds = Object.keys(prod.api.findResources('AWS::Lambda::Function'));
    for (const name of ['ProvisionerFunction', 'VerifierFunction', 'TransferFunction']) {
      const functionId = functionIds.find((id) => id.startsWith(name));
      expect(functionId, name).toBeDefined();
      for (const metric of ['Invocations', 'Errors']) {
        expect(body, `${name} ${metric}`).toContain(
          `"AWS/Lambda","${metric}","FunctionName","",{"Ref":"${functionId}"}`,
        );
      }
    }
  });
});
