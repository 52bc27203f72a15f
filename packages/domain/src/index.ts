export * from './access-vocabulary';
export * from './clock';
export * from './errors';
export * from './ids';
export * from './note-kinds';
export * from './principal';
export * from './retention';
export * from './subject-access-exemptions';
export * as validate from './validation';
