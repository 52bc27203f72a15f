export * from './capabilities';
export * from './disclosure-requests';
export * from './heat-map';
export * from './pending-changes';
export * from './pkce';
export * from './plain-words';
export * from './queue-order';
export * from './time-words';
