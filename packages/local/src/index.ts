export * from './demo/demo-organisations';
export * from './demo/seed-demo';
export * from './dynamodb-local';
export * from './kms';
export * from './local-stack';
export * from './tables';
export * from './token-issuer';
