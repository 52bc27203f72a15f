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

  it('keeps every route throttle within the stage throttle', () => {
    for (const stage of ['dev', 'prod']) {
      const { throttling, routeThrottling } = stageConfig(stage);
      for (const [route, throttle] of Object.entries(routeThrottling)) {
        expect(throttle.rateLimit, route).toBeLessThanOrEqual(throttling.rateLimit);
        expect(throttle.burstLimit, route).toBeLessThanOrEqual(throttling.burstLimit);
      }
    }
  });

  it('turns introspection off in prod and uses https redirect URLs there', () => {
    const prod = stageConfig('prod');
    expect(prod.introspection).toBe(false);
    for (const url of [
      ...prod.identity.callbackUrls,
      ...prod.identity.logoutUrls,
      ...prod.corsAllowedOrigins,
    ]) {
      expect(url).toMatch(/^https:\/\//);
    }
  });

  it('rejects an unknown stage', () => {
    expect(() => stageConfig('staging')).toThrow(/Unknown stage "staging"/);
  });
});
