export * from './attributes';
export * from './organisation-directory';
export * from './request-counters';
export * from './sealed-fields';
export * from './table-design';
export * from './tenant-scope';
