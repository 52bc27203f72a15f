export * from './lambda-adapter';
export * from './local-server';
