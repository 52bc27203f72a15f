import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Every Confide Lambda bundle resolves `@aws-sdk/credential-provider-node` to this module (see `lambdaBundling.alias`):
 * Lambda hands each function its role's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), so the SDK's default chain — profiles, SSO, web identity, process, container and instance
 * metadata, with the nested STS/SSO clients they bring — is dead weight there (about 100 KB of the api bundle, parsed
 * at every cold start). Without credentials in the environment the SDK fails closed with CredentialsProviderError.
 * Development and tests outside the bundles keep the full chain.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
