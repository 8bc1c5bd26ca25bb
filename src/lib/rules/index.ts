// Rules the relay and the app share: close codes and their meanings, the shape of tokens, and the
// length limits of what members write. Pure TypeScript, imported by both sides.
export * from './close-codes';
export * from './tokens';
export * from './limits';
