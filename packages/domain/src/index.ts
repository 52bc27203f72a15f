export * from './access-vocabulary';
export * from './clock';
export * from './errors';
export * from './ids';
export * from './principal';
export * as validate from './validation';
