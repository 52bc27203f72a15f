import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config';

const base = {
  CONFIDE_STAGE: 'prod',
  AWS_REGION: 'eu-west-2',
  CONFIDE_JWT_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/pool',
  CONFIDE_JWT_CLIENT_IDS: 'client',
  CONFIDE_ACCOUNT_ID: '123456789012',
};

describe('tenant access configuration (decision 0031)', () => {
  it('is absent unless CDK names the tenant-access role (locally: the shared client)', () => {
    expect(configFromEnv(base).tenantAccess).toBeUndefined();
  });

  it('names the role, STS and the resources the session policy narrows', () => {
    const config = configFromEnv({
      ...base,
      CONFIDE_TENANT_ACCESS_ROLE_ARN: 'arn:aws:iam::123456789012:role/confide-prod-tenant-access',
    });
    expect(config.tenantAccess).toEqual({
      roleArn: 'arn:aws:iam::123456789012:role/confide-prod-tenant-access',
      stsEndpoint: 'https://sts.eu-west-2.amazonaws.com',
      dataTableArn: 'arn:aws:dynamodb:eu-west-2:123456789012:table/confide-prod-data',
      keyTableArn: 'arn:aws:dynamodb:eu-west-2:123456789012:table/confide-prod-keys',
      keyArn: 'arn:aws:kms:eu-west-2:123456789012:key/*',
    });
    expect(
      configFromEnv({
        ...base,
        CONFIDE_TENANT_ACCESS_ROLE_ARN: 'arn:aws:iam::123456789012:role/confide-prod-tenant-access',
        CONFIDE_STS_ENDPOINT: 'http://127.0.0.1:9999',
      }).tenantAccess?.stsEndpoint,
    ).toBe('http://127.0.0.1:9999');
  });

  it('refuses what is not a role ARN of this account', () => {
    expect(() =>
      configFromEnv({ ...base, CONFIDE_TENANT_ACCESS_ROLE_ARN: 'confide-prod-tenant-access' }),
    ).toThrow(/CONFIDE_TENANT_ACCESS_ROLE_ARN/);
    expect(() =>
      configFromEnv({
        ...base,
        CONFIDE_TENANT_ACCESS_ROLE_ARN: 'arn:aws:iam::999999999999:role/confide-prod-tenant-access',
      }),
    ).toThrow(/another account/);
  });
});

describe('the key cache window', () => {
  it('is five minutes unless set, and refuses a value that is not a positive number of milliseconds', () => {
    expect(configFromEnv(base).kms.keyCacheTtlMs).toBe(300_000);
    expect(configFromEnv({ ...base, CONFIDE_KEY_CACHE_TTL_MS: '60000' }).kms.keyCacheTtlMs).toBe(60_000);
    // "5m" made every unwrapped key stay in memory for the life of the process (NaN never expires); 0 made each
    // request call KMS.
    for (const value of ['5m', '0', '-1']) {
      expect(() => configFromEnv({ ...base, CONFIDE_KEY_CACHE_TTL_MS: value })).toThrow(
        /CONFIDE_KEY_CACHE_TTL_MS/,
      );
    }
  });
});
