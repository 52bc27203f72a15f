export * from './capabilities';
export * from './plain-words';
export * from './queue-order';
export * from './time-words';
