import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRepoRoot } from '../lib/paths';
import { checkedStage, StageConfigError, stageConfigFromContext } from '../lib/stage-config';
import { testApp, testStageConfig, testStageFile } from './synth-stage';

const scratch = mkdtempSync(join(tmpdir(), 'confide-stage-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Synthesis's configuration step, as `cdk synth -c stage=<stage> -c stageFile=<file>` runs it (infra/bin/app.ts). */
function synthConfig(context: Record<string, unknown>) {
  return stageConfigFromContext(testApp({ context }).node);
}

/** A settings file with the given content, written for one test. */
function settingsFile(name: string, content: unknown): string {
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const goodProd = {
  corsAllowedOrigins: ['https://care.fixture-charity.org.uk'],
  identity: {
    domainPrefix: 'fixture-charity-care',
    callbackUrls: ['https://care.fixture-charity.org.uk/auth/callback'],
    logoutUrls: ['https://care.fixture-charity.org.uk/'],
  },
  alarmEmails: ['on-call@fixture-charity.org.uk'],
};

/** The problems synthesis reports for a prod settings file. */
function prodProblems(content: unknown): string[] {
  try {
    synthConfig({ stage: 'prod', stageFile: settingsFile(`prod-${Math.random()}`, content) });
  } catch (error) {
    if (error instanceof StageConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('stageConfig', () => {
  it('defaults to dev, whose settings are in infra/stages/dev.json', () => {
    expect(checkedStage(undefined)).toBe('dev');
    const dev = synthConfig({});
    expect(dev.stage).toBe('dev');
    expect(dev.corsAllowedOrigins).toContain('http://localhost:5173');
    expect(dev.identity.domainPrefix).toBe('confide-dev');
  });

  it('keeps every stage in London', () => {
    expect(testStageConfig('dev').region).toBe('eu-west-2');
    expect(testStageConfig('prod').region).toBe('eu-west-2');
  });

  it('retains and protects prod data', () => {
    expect(testStageConfig('prod')).toMatchObject({
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  });

  it('keeps every route throttle within the stage throttle', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const { throttling, routeThrottling } = testStageConfig(stage);
      for (const [route, throttle] of Object.entries(routeThrottling)) {
        expect(throttle.rateLimit, route).toBeLessThanOrEqual(throttling.rateLimit);
        expect(throttle.burstLimit, route).toBeLessThanOrEqual(throttling.burstLimit);
      }
    }
  });

  it('turns introspection off in prod and takes its origins, URLs, domain prefix and alarm emails from its file', () => {
    const prod = synthConfig({ stage: 'prod', stageFile: testStageFile('prod') });
    expect(prod.introspection).toBe(false);
    expect(prod).toMatchObject(goodProd);
  });

  it('rejects an unknown stage', () => {
    expect(() => synthConfig({ stage: 'staging' })).toThrow(/Unknown stage "staging"/);
  });
});

describe('stage deployment settings, checked at synth (issue 20)', () => {
  it('refuses to synthesise prod without its settings file, naming the file and how to give one', () => {
    const missing = join(scratch, 'nowhere', 'prod.json');
    expect(() => synthConfig({ stage: 'prod', stageFile: missing })).toThrow(
      new RegExp(`Stage prod needs its deployment settings.*${missing.replaceAll('/', '\\/')}.*-c stageFile`),
    );
  });

  it('names each missing key', () => {
    expect(prodProblems({ corsAllowedOrigins: goodProd.corsAllowedOrigins })).toEqual([
      'identity: required, an object',
      'identity.domainPrefix: required, 1–63 lowercase letters, digits and hyphens',
      'identity.callbackUrls: required, a list of strings',
      'identity.logoutUrls: required, a list of strings',
      'alarmEmails: required, a list of strings',
    ]);
    expect(prodProblems({ ...goodProd, alarmEmails: [] })).toEqual(['alarmEmails: must not be empty']);
  });

  it('names each invalid value', () => {
    expect(
      prodProblems({
        ...goodProd,
        corsAllowedOrigins: ['https://care.fixture-charity.org.uk/app', 'not a url'],
        identity: { ...goodProd.identity, domainPrefix: 'Fixture_Care', colour: 'blue' },
        alarmEmails: ['on-call'],
        region: 'us-east-1',
      }),
    ).toEqual([
      'region: unknown key',
      'corsAllowedOrigins[0]: must be an origin only (scheme, host and port, no path or trailing slash)',
      'corsAllowedOrigins[1]: not a URL ("not a url")',
      'identity.colour: unknown key',
      'identity.domainPrefix: required, 1–63 lowercase letters, digits and hyphens',
      'alarmEmails[0]: not an email address',
    ]);
    expect(prodProblems('{ "corsAllowedOrigins": [')).toEqual(['(file): not valid JSON']);
  });

  it('refuses placeholders in prod: the example file, the old in-source values, http and local hosts', () => {
    expect(prodProblems(JSON.parse(settingsText('infra/stages/prod.example.json')))).toEqual([
      'corsAllowedOrigins[0]: app.example.org is a placeholder host, refused in prod',
      'identity.domainPrefix: confide-example-charity is a placeholder, refused in prod',
      'identity.callbackUrls[0]: app.example.org is a placeholder host, refused in prod',
      'identity.logoutUrls[0]: app.example.org is a placeholder host, refused in prod',
      'alarmEmails[0]: example.org is a placeholder domain, refused in prod',
    ]);
    expect(
      prodProblems({
        corsAllowedOrigins: ['https://app.confide.example'],
        identity: {
          domainPrefix: 'confide-prod',
          callbackUrls: ['http://localhost:3000/auth/callback'],
          logoutUrls: ['https://app.confide.example/'],
        },
        alarmEmails: ['ops@charity.test'],
      }),
    ).toEqual([
      'corsAllowedOrigins[0]: app.confide.example is a placeholder host, refused in prod',
      'identity.domainPrefix: confide-prod is a placeholder, refused in prod',
      'identity.callbackUrls[0]: must be https in prod',
      'identity.callbackUrls[0]: localhost is a placeholder host, refused in prod',
      'identity.logoutUrls[0]: app.confide.example is a placeholder host, refused in prod',
      'alarmEmails[0]: charity.test is a placeholder domain, refused in prod',
    ]);
  });

  it('accepts local origins and no alarm emails in dev', () => {
    const dev = synthConfig({ stage: 'dev', stageFile: testStageFile('dev') });
    expect(dev.alarmEmails).toEqual([]);
    expect(dev.identity.callbackUrls[0]).toMatch(/^http:\/\/localhost/);
  });
});

function settingsText(path: string): string {
  return readFileSync(fromRepoRoot(path), 'utf8');
}
