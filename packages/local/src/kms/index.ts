/**
 * A local, KMS-compatible HTTP endpoint for development and tests: `@aws-sdk/client-kms` talks to it as to
 * AWS KMS, with real AES-256-GCM encryption and encryption-context checks, keys persisted in the local data
 * folder.
 *
 * @example
 * const kms = await startLocalKms({ dataDir: '.local' });
 * const client = new KMSClient({ endpoint: kms.endpoint, region: 'eu-west-2', credentials });
 */
export { type LocalKms, type LocalKmsOptions, startLocalKms } from './local-kms-server.js';
