import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stageConfig } from '../lib/stage-config';

describe('stageConfig', () => {
  it('defaults to dev', () => {
    expect(stageConfig(undefined).stage).toBe('dev');
  });

  it('keeps every stage in London', () => {
    expect(stageConfig('dev').region).toBe('eu-west-2');
    expect(stageConfig('prod').region).toBe('eu-west-2');
  });

  it('retains and protects prod data', () => {
    expect(stageConfig('prod')).toMatchObject({
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  });

  it('rejects an unknown stage', () => {
    expect(() => stageConfig('staging')).toThrow(/Unknown stage "staging"/);
  });
});
