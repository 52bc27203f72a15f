export * from './blind-index';
export * from './errors';
export * from './field-cipher';
export * from './integrity';
export * from './key-hierarchy';
export * from './list-position';
export * from './organisation-keys';
export * from './ttl-cache';
